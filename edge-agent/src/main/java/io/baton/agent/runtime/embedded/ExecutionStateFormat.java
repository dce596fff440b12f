package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.CorruptSnapshotException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The byte layout of an embedded instance's execution state: magic, version, service kind and
 * options, memory size in pages, then the reply cache. Reading checks every length, so a truncated
 * or foreign state is refused with a reason instead of restoring half an instance.
 */
final class ExecutionStateFormat {
  private static final int MAGIC = 0x42544E58; // "BTNX"
  private static final int VERSION = 2;
  private static final int MAX_OPTIONS_BYTES = 64 * 1024;

  record Contents(String serviceKind, JsonObject options, int pageCount, ReplyCache replies) {
  }

  private ExecutionStateFormat() {
  }

  static byte[] write(String serviceKind, JsonObject options, int pageCount, ReplyCache replies) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(serviceKind);
      byte[] json = options.toBuffer().getBytes();
      out.writeInt(json.length);
      out.write(json);
      out.writeInt(pageCount);
      replies.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Contents read(byte[] state, int replyCapacity) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      if (in.readInt() != MAGIC) {
        throw new CorruptSnapshotException("not an embedded-runtime execution state (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new CorruptSnapshotException("execution state format version " + version + " is not supported");
      }
      String kind = in.readUTF();
      int optionsLength = in.readInt();
      if (optionsLength < 0 || optionsLength > MAX_OPTIONS_BYTES || optionsLength > in.available()) {
        throw new CorruptSnapshotException("truncated execution state: options of " + optionsLength
            + " bytes announced, " + in.available() + " left");
      }
      JsonObject options = new JsonObject(Buffer.buffer(in.readNBytes(optionsLength)));
      int pageCount = in.readInt();
      if (pageCount < 0) {
        throw new CorruptSnapshotException("negative page count " + pageCount);
      }
      ReplyCache replies = ReplyCache.readFrom(in, replyCapacity);
      if (in.available() > 0) {
        throw new CorruptSnapshotException(in.available() + " unexpected bytes after the execution state");
      }
      return new Contents(kind, options, pageCount, replies);
    } catch (EOFException e) {
      throw new CorruptSnapshotException("truncated execution state: it ends in the middle of a field");
    } catch (IOException | io.vertx.core.json.DecodeException e) {
      throw new CorruptSnapshotException("unreadable execution state: " + e.getMessage());
    }
  }
}
