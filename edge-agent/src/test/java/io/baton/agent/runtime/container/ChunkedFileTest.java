package io.baton.agent.runtime.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.transfer.ChunkStore;
import io.baton.protocol.grpc.FileRef;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Page images as 4 KiB chunks: a delta names exactly the changed pages and rebuilds the file. */
class ChunkedFileTest {

  @Test
  void aDeltaCarriesOnlyChangedPagesAndRebuildsTheFile() {
    byte[] before = new byte[64 * 4096 + 100];
    new Random(7).nextBytes(before);
    byte[] after = before.clone();
    after[5 * 4096 + 3] ^= 1;
    after[40 * 4096] ^= 1;
    ChunkedFile base = ChunkedFile.of("pages-1.img", before, ChunkedFile.PAGE_CHUNK);
    ChunkedFile next = ChunkedFile.of("pages-1.img", after, ChunkedFile.PAGE_CHUNK);

    FileRef delta = next.deltaAgainst(base.ref());

    assertTrue(delta.getDelta());
    assertEquals(java.util.List.of(5, 40), delta.getChangedIndexList());
    ChunkStore store = new ChunkStore(1 << 24);
    base.chunks().forEach(store::put);
    delta.getChunksList().forEach(address -> store.put(address, next.chunks().get(address)));
    assertArrayEquals(after, ChunkedFile.assemble(ChunkedFile.resolve(delta, base.ref()), store));
  }

  @Test
  void aMissingChunkIsNamedNotGuessed() {
    byte[] content = new byte[3 * 4096];
    new Random(1).nextBytes(content);
    ChunkedFile file = ChunkedFile.of("pages-2.img", content, ChunkedFile.PAGE_CHUNK);
    ChunkStore store = new ChunkStore(1 << 20);
    IllegalStateException missing = assertThrows(IllegalStateException.class, () -> ChunkedFile.assemble(file.ref(), store));
    assertTrue(missing.getMessage().contains("never arrived"), missing.getMessage());
  }
}
