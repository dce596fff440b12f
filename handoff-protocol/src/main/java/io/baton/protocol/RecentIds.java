package io.baton.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@code capacity} ids seen, to make a consumer of published events idempotent: the
 * clustered event bus delivers a publish at least once, and twice has been seen here (one
 * HandoffCompleted delivered twice to one consumer of the publishing member, under load).
 * Not thread-safe: use it from one context.
 */
public final class RecentIds {
  private final Map<String, Boolean> seen;

  public RecentIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.seen = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** True the first time {@code id} is offered (within the last {@code capacity} ids), false after. */
  public boolean firstTime(String id) {
    return seen.putIfAbsent(id, Boolean.TRUE) == null;
  }
}
