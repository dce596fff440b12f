package io.baton.agent.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The store's room: a running handoff's chunks are never evicted, and a handoff that does not fit is refused up front. */
class ChunkStoreTest {
  private static final int CHUNK = 4096;

  @Test
  void aReservedChunkSurvivesEvictionAndAnUnreservedOneGoesFirst() {
    ChunkStore store = new ChunkStore(2L * CHUNK, CHUNK);
    ByteString pinned = put(store, 1);
    store.reserve("h1", List.of(pinned));
    ByteString loose = put(store, 2);
    put(store, 3);
    assertTrue(store.contains(pinned), "the handoff's chunk stayed");
    assertFalse(store.contains(loose), "the least recently used chunk nobody needs went");
  }

  @Test
  void aHandoffThatDoesNotFitBesideTheOthersIsRefusedAndChangesNothing() {
    ChunkStore store = new ChunkStore(3L * CHUNK, CHUNK);
    store.reserve("h1", addresses(0, 2));
    ChunkStore.ChunkStoreFullException refused = assertThrows(ChunkStore.ChunkStoreFullException.class,
        () -> store.reserve("h2", addresses(10, 12)));
    assertTrue(refused.getMessage().contains("h2 needs 8192 bytes, 4096 of 12288"), refused.getMessage());
    assertEquals(2L * CHUNK, store.reservedBytes(), "the refusal reserved nothing");
    store.release("h1");
    store.reserve("h2", addresses(10, 12));
    assertEquals(2L * CHUNK, store.reservedBytes());
  }

  @Test
  void offeringTheSameChunksAgainReservesThemOnce() {
    ChunkStore store = new ChunkStore(2L * CHUNK, CHUNK);
    store.reserve("h1", addresses(0, 2));
    store.reserve("h1", addresses(0, 2));
    assertEquals(2L * CHUNK, store.reservedBytes());
    store.release("h1");
    store.release("h1");
    assertEquals(0, store.reservedBytes());
  }

  private static ByteString put(ChunkStore store, int seed) {
    byte[] data = new byte[CHUNK];
    data[0] = (byte) seed;
    ByteString address = Hashes.address(data);
    store.put(address, data);
    return address;
  }

  private static List<ByteString> addresses(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> ByteString.copyFromUtf8("chunk-" + i)).toList();
  }
}
