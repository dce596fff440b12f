package io.baton.broker.journal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The replicated saga journal ({@value #MAP_NAME}, one synchronous backup): every handoff's entry,
 * written at each transition. Every write after the first is a compare-and-swap against the entry
 * as its writer last wrote it, so an entry has exactly one writer at a time: a broker whose entry
 * was claimed by another (it was thought dead) finds out at its next write and stops.
 */
public final class HandoffJournal {
  public static final String MAP_NAME = io.baton.protocol.ClusterMaps.HANDOFF_JOURNAL;
  /** Every entry written is also published here (as JSON): the live view of the sagas. */
  public static final String UPDATES = "baton.handoff.journal";

  private final Vertx vertx;

  public HandoffJournal(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP_NAME);
  }

  /** Writes a new entry; returns its encoded form, the token for the next write. */
  public Future<String> open(JournalEntry entry) {
    String encoded = entry.encode();
    return map().compose(m -> m.putIfAbsent(entry.handoffId(), encoded)).compose(existing -> existing == null
        ? Future.succeededFuture(published(encoded))
        : Future.failedFuture(new IllegalStateException("handoff " + entry.handoffId() + " is already journaled")));
  }

  /** Replaces the entry written as {@code written} by {@code next}; fails with {@link OwnershipLostException} if it changed. */
  public Future<String> advance(String written, JournalEntry next) {
    String encoded = next.encode();
    return map().compose(m -> m.replaceIfPresent(next.handoffId(), written, encoded)).compose(swapped -> swapped
        ? Future.succeededFuture(published(encoded))
        : Future.failedFuture(new OwnershipLostException(next.handoffId())));
  }

  private String published(String encoded) {
    vertx.eventBus().publish(UPDATES, new io.vertx.core.json.JsonObject(encoded));
    return encoded;
  }

  public Future<Map<String, String>> raw() {
    return map().compose(AsyncMap::entries);
  }

  /** Every entry, newest request first. */
  public Future<List<JournalEntry>> entries() {
    return raw().map(all -> {
      List<JournalEntry> entries = new ArrayList<>();
      all.values().forEach(encoded -> entries.add(JournalEntry.decode(encoded)));
      entries.sort(Comparator.comparingLong((JournalEntry e) -> e.request().requestedAtMs()).reversed());
      return entries;
    });
  }

  /** Removes the entry if it is still as written; watchers of {@link #UPDATES} get {"handoffId", "removed": true}. */
  public Future<Boolean> remove(String handoffId, String written) {
    return map().compose(m -> m.removeIfPresent(handoffId, written)).onSuccess(removed -> {
      if (removed) {
        vertx.eventBus().publish(UPDATES, new io.vertx.core.json.JsonObject().put("handoffId", handoffId).put("removed", true));
      }
    });
  }

  /** Another broker owns the entry now: the writer must stop driving the handoff. */
  public static final class OwnershipLostException extends RuntimeException {
    public OwnershipLostException(String handoffId) {
      super("handoff " + handoffId + " is owned by another broker now", null, false, false);
    }
  }
}
