package io.baton.agent.transfer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults to inject on this site's outgoing links, for tests and fault-injection runs: corrupt
 * the next N chunks sent (one byte flipped after hashing), or cut the next chunk stream once it
 * has carried some bytes. Each fault fires once and is gone.
 */
public final class LinkFaults {
  private final Map<String, AtomicInteger> chunksToCorrupt = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> cutAfterBytes = new ConcurrentHashMap<>();

  public void corruptNextChunks(String toSite, int count) {
    chunksToCorrupt.put(toSite, new AtomicInteger(count));
  }

  public void cutNextStreamAfter(String toSite, long bytes) {
    cutAfterBytes.put(toSite, new AtomicLong(bytes));
  }

  public boolean corruptionPending(String toSite) {
    AtomicInteger pending = chunksToCorrupt.get(toSite);
    return pending != null && pending.get() > 0;
  }

  /** Returns the data to send, with one byte flipped if a corruption is pending. */
  public byte[] maybeCorrupt(String toSite, byte[] data) {
    AtomicInteger pending = chunksToCorrupt.get(toSite);
    if (pending == null || pending.getAndDecrement() <= 0 || data.length == 0) {
      return data;
    }
    byte[] corrupted = data.clone();
    corrupted[corrupted.length / 2] ^= 0x5A;
    return corrupted;
  }

  /** True once the stream has carried the bytes after which it must be cut (then the fault is spent). */
  public boolean shouldCut(String toSite, long bytesSoFar) {
    AtomicLong limit = cutAfterBytes.get(toSite);
    if (limit == null || bytesSoFar < limit.get()) {
      return false;
    }
    return cutAfterBytes.remove(toSite, limit);
  }
}
