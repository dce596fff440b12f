package io.baton.agent.transfer;

import com.google.protobuf.ByteString;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The chunks a site holds, by content address, least recently used evicted first beyond a byte
 * budget. A chunk the store holds is never sent to this site again. Shared by the transfer
 * service (event loop) and restores (workers), hence synchronized.
 */
public final class ChunkStore {
  public static final long DEFAULT_BUDGET_BYTES = 512L * 1024 * 1024;

  private final long budgetBytes;
  private final LinkedHashMap<ByteString, byte[]> chunks = new LinkedHashMap<>(1024, 0.75f, true);
  private long heldBytes;

  public ChunkStore(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  public synchronized boolean contains(ByteString address) {
    return chunks.containsKey(address);
  }

  public synchronized Optional<byte[]> get(ByteString address) {
    return Optional.ofNullable(chunks.get(address));
  }

  /** Stores a chunk the caller has verified against its address. */
  public synchronized void put(ByteString address, byte[] data) {
    byte[] previous = chunks.put(address, data);
    heldBytes += data.length - (previous == null ? 0 : previous.length);
    var eldest = chunks.entrySet().iterator();
    while (heldBytes > budgetBytes && eldest.hasNext()) {
      Map.Entry<ByteString, byte[]> entry = eldest.next();
      heldBytes -= entry.getValue().length;
      eldest.remove();
    }
  }

  /** Drops one chunk (a cancelled pre-stage's); false if the store did not hold it. */
  public synchronized boolean remove(ByteString address) {
    byte[] removed = chunks.remove(address);
    if (removed != null) {
      heldBytes -= removed.length;
    }
    return removed != null;
  }

  public synchronized long heldBytes() {
    return heldBytes;
  }

  public synchronized int size() {
    return chunks.size();
  }

  /** Forgets everything: what a benchmark does between runs, as seed 000 cleaned its target. */
  public synchronized void clear() {
    chunks.clear();
    heldBytes = 0;
  }
}
