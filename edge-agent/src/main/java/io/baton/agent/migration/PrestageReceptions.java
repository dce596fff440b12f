package io.baton.agent.migration;

import com.google.protobuf.ByteString;
import io.baton.agent.transfer.ChunkStore;
import io.baton.protocol.event.PrestageRequested;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A target's open pre-stages: which source may send chunks under which pre-stage id, and which
 * chunks each one brought into the site's {@link ChunkStore}. A completed pre-stage is what the
 * next handoff of its instance finds already here (the handoff then moves only what changed); a
 * cancelled one takes back the chunks it added. Bounded: the oldest are forgotten first (their
 * chunks stay, subject to the store's own LRU budget).
 */
public final class PrestageReceptions {
  private static final int MAX_RECEPTIONS = 4_096;

  private final ChunkStore store;
  private final Map<String, Reception> receptions = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Reception> eldest) {
      return size() > MAX_RECEPTIONS;
    }
  };

  private static final class Reception {
    final PrestageRequested request;
    final Set<ByteString> added = new HashSet<>();
    long bytes;
    boolean complete;

    Reception(PrestageRequested request) {
      this.request = request;
    }
  }

  public PrestageReceptions(ChunkStore store) {
    this.store = store;
  }

  public synchronized void open(PrestageRequested request) {
    receptions.putIfAbsent(request.prestageId(), new Reception(request));
  }

  public synchronized boolean isOpen(String prestageId) {
    Reception reception = receptions.get(prestageId);
    return reception != null && !reception.complete;
  }

  public synchronized Optional<String> sourceOf(String prestageId) {
    return Optional.ofNullable(receptions.get(prestageId)).map(r -> r.request.sourceSite());
  }

  /** Stores a verified chunk for an open pre-stage, remembering it if this pre-stage brought it. */
  public synchronized void store(String prestageId, ByteString address, byte[] data) {
    Reception reception = receptions.get(prestageId);
    if (reception == null || reception.complete) {
      throw new IllegalStateException("no open pre-stage " + prestageId);
    }
    if (!store.contains(address)) {
      reception.added.add(address);
      reception.bytes += data.length;
    }
    store.put(address, data);
  }

  /** The source reports every chunk arrived. */
  public synchronized void complete(String prestageId) {
    Reception reception = receptions.get(prestageId);
    if (reception != null) {
      reception.complete = true;
    }
  }

  /**
   * A handoff of {@code instanceId} is being prepared here: the bytes its completed pre-stages
   * brought (0 if none), which are then done with (their chunks stay, for the handoff to find).
   */
  public synchronized long takeCompleted(String instanceId) {
    long bytes = 0;
    List<String> used = new ArrayList<>();
    for (Map.Entry<String, Reception> entry : receptions.entrySet()) {
      Reception reception = entry.getValue();
      if (reception.complete && reception.request.instanceId().equals(instanceId)) {
        bytes += Math.max(1, reception.bytes);
        used.add(entry.getKey());
      }
    }
    used.forEach(receptions::remove);
    return bytes;
  }

  /** Drops a pre-stage and the chunks it added; returns how many bytes that freed. */
  public synchronized long cancel(String prestageId) {
    Reception reception = receptions.remove(prestageId);
    if (reception == null) {
      return 0;
    }
    long freed = 0;
    for (ByteString address : reception.added) {
      Optional<byte[]> chunk = store.get(address);
      if (chunk.isPresent() && store.remove(address)) {
        freed += chunk.get().length;
      }
    }
    return freed;
  }

  /** Whether a completed pre-stage of the instance is waiting here (tests, operators). */
  public synchronized boolean holdsCompleted(String instanceId) {
    return receptions.values().stream().anyMatch(r -> r.complete && r.request.instanceId().equals(instanceId));
  }
}
