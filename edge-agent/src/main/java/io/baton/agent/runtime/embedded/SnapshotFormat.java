package io.baton.agent.runtime.embedded;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.baton.agent.runtime.CorruptSnapshotException;

/**
 * The byte layout of an embedded instance's snapshot: magic, version, service kind, the service's
 * own state, then its reply cache. Reading checks every length, so a truncated or foreign snapshot
 * is refused with a reason instead of restoring half a state.
 */
final class SnapshotFormat {
  private static final int MAGIC = 0x42544E53; // "BTNS"
  private static final int VERSION = 1;
  private static final int MAX_STATE_BYTES = 512 * 1024 * 1024;

  record Contents(String serviceKind, byte[] serviceState, ReplyCache replies) {
  }

  private SnapshotFormat() {
  }

  static byte[] write(String serviceKind, byte[] serviceState, ReplyCache replies) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(serviceState.length + 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(serviceKind);
      out.writeInt(serviceState.length);
      out.write(serviceState);
      replies.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Contents read(byte[] snapshot, int replyCapacity) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      if (in.readInt() != MAGIC) {
        throw new CorruptSnapshotException("not an embedded-runtime snapshot (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new CorruptSnapshotException("snapshot format version " + version + " is not supported");
      }
      String kind = in.readUTF();
      int stateLength = in.readInt();
      if (stateLength < 0 || stateLength > MAX_STATE_BYTES || stateLength > in.available()) {
        throw new CorruptSnapshotException("truncated snapshot: state of " + stateLength
            + " bytes announced, " + in.available() + " left");
      }
      byte[] state = in.readNBytes(stateLength);
      ReplyCache replies = ReplyCache.readFrom(in, replyCapacity);
      if (in.available() > 0) {
        throw new CorruptSnapshotException(in.available() + " unexpected bytes after the snapshot");
      }
      return new Contents(kind, state, replies);
    } catch (EOFException e) {
      throw new CorruptSnapshotException("truncated snapshot: it ends in the middle of a field");
    } catch (IOException e) {
      throw new CorruptSnapshotException("unreadable snapshot: " + e.getMessage());
    }
  }
}
