package io.baton.agent.migration;

import com.google.protobuf.ByteString;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.grpc.ExecutionState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.IntFunction;

/**
 * What a snapshot claims to be: which instance, which handoff (id, epoch, from where to where),
 * which content each page has (a digest over the pages' addresses) and which execution state.
 * The sending agent signs these bytes; the target restores only what they describe.
 */
final class SnapshotManifest {
  private static final String VERSION = "baton-snapshot-manifest-v1";

  private SnapshotManifest() {
  }

  /** SHA-256 over (index, address) of every page that has an address, in page order. */
  static ByteString pagesDigest(int pageCount, IntFunction<ByteString> addressOf) {
    MessageDigest digest = sha256();
    ByteBuffer index = ByteBuffer.allocate(Integer.BYTES);
    for (int page = 0; page < pageCount; page++) {
      ByteString address = addressOf.apply(page);
      if (address != null) {
        digest.update(index.clear().putInt(page).array());
        digest.update(address.toByteArray());
      }
    }
    return ByteString.copyFrom(digest.digest());
  }

  /** The signed bytes: the request's identity and every field of the state that decides what runs. */
  static byte[] canonicalBytes(HandoffRequested request, ExecutionState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(VERSION);
      out.writeUTF(request.instanceId());
      out.writeUTF(request.clientId());
      out.writeUTF(request.handoffId());
      out.writeLong(request.epoch());
      out.writeUTF(request.sourceSite());
      out.writeUTF(request.targetSite());
      out.writeUTF(state.getHandoffId());
      out.writeUTF(state.getSourceSite());
      out.writeInt(state.getPageCount());
      out.writeBoolean(state.getLazy());
      out.writeInt(state.getStalePagesCount());
      for (int page : state.getStalePagesList()) {
        out.writeInt(page);
      }
      out.write(state.getPagesDigest().toByteArray());
      out.write(state.getSha256().toByteArray());
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return bytes.toByteArray();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
