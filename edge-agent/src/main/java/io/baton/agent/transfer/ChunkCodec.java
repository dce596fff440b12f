package io.baton.agent.transfer;

import com.google.protobuf.ByteString;
import io.baton.protocol.grpc.Chunk;
import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Chunk payloads, raw or deflated: deflated only when asked and only if it actually saves bytes. */
public final class ChunkCodec {
  private ChunkCodec() {
  }

  public static Chunk encode(String handoffId, ByteString address, byte[] data, boolean compress) {
    Chunk.Builder chunk = Chunk.newBuilder().setHandoffId(handoffId).setSha256(address);
    if (compress) {
      byte[] deflated = deflate(data);
      if (deflated.length < data.length) {
        return chunk.setData(ByteString.copyFrom(deflated)).setDeflated(true).build();
      }
    }
    return chunk.setData(ByteString.copyFrom(data)).build();
  }

  /** The chunk's content; throws IllegalArgumentException if deflated data is damaged. */
  public static byte[] decode(Chunk chunk, int maxBytes) {
    byte[] data = chunk.getData().toByteArray();
    if (!chunk.getDeflated()) {
      return data;
    }
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(data);
      byte[] out = new byte[maxBytes];
      int length = inflater.inflate(out);
      if (!inflater.finished()) {
        throw new IllegalArgumentException("deflated chunk larger than " + maxBytes + " bytes");
      }
      return java.util.Arrays.copyOf(out, length);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("damaged deflated chunk: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
      byte[] buffer = new byte[data.length + 64];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }
}
