package io.baton.agent.transfer;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the transfer plane's content address. */
public final class Hashes {
  private Hashes() {
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public static ByteString address(byte[] data) {
    return ByteString.copyFrom(sha256(data));
  }

  public static String hex(ByteString hash) {
    return HexFormat.of().formatHex(hash.toByteArray());
  }
}
