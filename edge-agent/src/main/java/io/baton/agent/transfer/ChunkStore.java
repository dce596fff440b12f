package io.baton.agent.transfer;

import com.google.protobuf.ByteString;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The chunks a site holds, by content address, least recently used evicted first beyond a byte
 * budget. A chunk the store holds is never sent to this site again. Shared by the transfer
 * service (event loop) and restores (workers), hence synchronized.
 *
 * <p>A handoff reserves room for every chunk it was offered before any of them crosses, and its
 * chunks are pinned until it is restored or dropped: eviction never takes a chunk a running
 * handoff still needs, and a handoff that does not fit is refused up front
 * ({@link ChunkStoreFullException}) rather than losing its own chunks halfway and failing later.
 */
public final class ChunkStore {
  public static final long DEFAULT_BUDGET_BYTES = 512L * 1024 * 1024;

  private final long budgetBytes;
  private final LinkedHashMap<ByteString, byte[]> chunks = new LinkedHashMap<>(1024, 0.75f, true);
  private long heldBytes;
  private final Map<String, Set<ByteString>> reservations = new HashMap<>();
  private final Map<ByteString, Integer> pins = new HashMap<>();
  private final int reservedChunkBytes;

  /** {@code chunkBytes}: the most one chunk may hold, what a reservation counts for each. */
  public ChunkStore(long budgetBytes, int chunkBytes) {
    this.budgetBytes = budgetBytes;
    this.reservedChunkBytes = chunkBytes;
  }

  public ChunkStore(long budgetBytes) {
    this(budgetBytes, 4096);
  }

  /**
   * Adds {@code addresses} to what {@code owner} (a handoff) will hold and pins them. Refuses,
   * changing nothing, if all reservations together would exceed the budget.
   */
  public synchronized void reserve(String owner, Collection<ByteString> addresses) {
    Set<ByteString> held = reservations.getOrDefault(owner, Set.of());
    Set<ByteString> added = new HashSet<>(addresses);
    added.removeAll(held);
    long needed = (long) added.size() * reservedChunkBytes;
    long reserved = reservedBytes();
    if (reserved + needed > budgetBytes) {
      throw new ChunkStoreFullException("chunk store full: " + owner + " needs " + (held.size() + added.size()) * (long) reservedChunkBytes
          + " bytes, " + Math.max(0, budgetBytes - reserved + (long) held.size() * reservedChunkBytes) + " of "
          + budgetBytes + " are free of other handoffs' reservations");
    }
    reservations.computeIfAbsent(owner, o -> new HashSet<>()).addAll(added);
    added.forEach(address -> pins.merge(address, 1, Integer::sum));
  }

  /** Unpins and frees what {@code owner} reserved; a second call does nothing. */
  public synchronized void release(String owner) {
    Set<ByteString> held = reservations.remove(owner);
    if (held != null) {
      held.forEach(address -> pins.computeIfPresent(address, (a, count) -> count == 1 ? null : count - 1));
    }
  }

  public synchronized long reservedBytes() {
    long chunks = 0;
    for (Set<ByteString> held : reservations.values()) {
      chunks += held.size();
    }
    return chunks * reservedChunkBytes;
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
      if (pins.containsKey(entry.getKey())) {
        continue;
      }
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

  /** The store cannot take a handoff's chunks without evicting another running handoff's. */
  public static final class ChunkStoreFullException extends IllegalStateException {
    public ChunkStoreFullException(String message) {
      super(message);
    }
  }
}
