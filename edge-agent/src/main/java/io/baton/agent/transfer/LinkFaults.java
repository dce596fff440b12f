package io.baton.agent.transfer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults to inject on this site's outgoing links, for tests and fault-injection runs: corrupt
 * the next N chunks sent (one byte flipped after hashing), or cut the next N chunk streams once
 * each has carried some bytes (a link that stays down for a while). A spent fault is gone.
 */
public final class LinkFaults {
  private final Map<String, AtomicInteger> chunksToCorrupt = new ConcurrentHashMap<>();
  private final Map<String, Cut> cuts = new ConcurrentHashMap<>();

  private record Cut(long afterBytes, AtomicInteger streams) {
  }

  public void corruptNextChunks(String toSite, int count) {
    chunksToCorrupt.put(toSite, new AtomicInteger(count));
  }

  public void cutNextStreamAfter(String toSite, long bytes) {
    cutNextStreams(toSite, bytes, 1);
  }

  /** Cuts each of the next {@code streams} chunk streams to {@code toSite} once it has carried {@code bytes}. */
  public void cutNextStreams(String toSite, long bytes, int streams) {
    cuts.put(toSite, new Cut(bytes, new AtomicInteger(streams)));
  }

  /** True while a cut of {@link #cutNextStreams} has streams left to cut. */
  public boolean cutPending(String toSite) {
    Cut cut = cuts.get(toSite);
    return cut != null && cut.streams().get() > 0;
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

  /** True once the stream has carried the bytes after which it must be cut (one stream of the fault is spent). */
  public boolean shouldCut(String toSite, long bytesSoFar) {
    Cut cut = cuts.get(toSite);
    if (cut == null || bytesSoFar < cut.afterBytes()) {
      return false;
    }
    int left = cut.streams().decrementAndGet();
    if (left <= 0) {
      cuts.remove(toSite, cut);
    }
    return left >= 0;
  }
}
