package io.baton.agent.migration;

import io.baton.agent.transfer.ChunkCodec;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.protocol.grpc.Chunk;

/**
 * A chunk as it comes off a PutChunks stream: the message, then its payload, raw or deflated. A
 * damaged one is refused (InvalidProtocolBufferException, IllegalArgumentException), and nothing
 * accepted is larger than a page, however far the deflated data claims to expand.
 */
class ChunkFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void chunksDecodeWithinAPageOrAreRefused(byte[] message) {
    Chunk chunk;
    try {
      chunk = Chunk.parseFrom(message);
    } catch (InvalidProtocolBufferException refused) {
      return;
    }
    try {
      byte[] data = ChunkCodec.decode(chunk, PagedMemory.PAGE_SIZE);
      if (chunk.getDeflated() && data.length > PagedMemory.PAGE_SIZE) {
        throw new AssertionError("a deflated chunk expanded to " + data.length + " bytes");
      }
    } catch (IllegalArgumentException refused) {
      // damaged or oversized deflated data
    }
  }
}
