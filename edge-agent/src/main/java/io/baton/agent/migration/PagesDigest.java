package io.baton.agent.migration;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.IntFunction;

/**
 * Which content each page of a snapshot has: the digest the source puts in its execution state,
 * which the state's signed manifest ({@link io.baton.agent.transfer.TransferManifests}) covers, and
 * which the target recomputes from what was offered to it.
 */
final class PagesDigest {
  private PagesDigest() {
  }

  /** SHA-256 over (index, address) of every page that has an address, in page order. */
  static ByteString of(int pageCount, IntFunction<ByteString> addressOf) {
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
