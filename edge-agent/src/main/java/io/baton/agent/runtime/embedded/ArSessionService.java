package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.ServiceException;
import io.baton.agent.runtime.memory.PagedMemory;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An AR session: the app sends camera frames ({@code {"op":"frame","seq":7,"data":"<base64>"}}) and
 * gets an overlay back for each. The overlay is a pure function of the frame (its bytes reversed,
 * at most {@link #OVERLAY_BYTES}), so an app can check every result; the session state (frames
 * seen, bytes seen, a hash chain over the frames in order) moves with the service and tells whether
 * any frame was processed twice or skipped. Frames and overlays are larger than one CoAP block, so
 * they exercise block-wise transfer both ways. Ops: frame, stats. The state lives in one page:
 * frames at offset 0, bytes at 8, the chain at 16.
 */
public final class ArSessionService implements EmbeddedService {
  public static final String NAME = "ar";
  public static final int OVERLAY_BYTES = 1_536;
  private static final long FRAMES = 0;
  private static final long BYTES = 8;
  private static final long CHAIN = 16;

  public static final EmbeddedServiceKind KIND =
      EmbeddedServiceKind.fixedSize(NAME, PagedMemory.PAGE_SIZE, ArSessionService::new);

  private final PagedMemory memory;

  private ArSessionService(PagedMemory memory) {
    this.memory = memory;
  }

  @Override
  public JsonObject handle(JsonObject request) {
    String op = request.getString("op", "");
    return switch (op) {
      case "frame" -> frame(request);
      case "stats" -> stats();
      default -> throw new ServiceException("ar: unknown op '" + op + "' (use frame or stats)");
    };
  }

  private JsonObject frame(JsonObject request) {
    String data = request.getString("data");
    if (data == null) {
      throw new ServiceException("ar: missing 'data' (the frame, base64)");
    }
    byte[] frame;
    try {
      frame = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new ServiceException("ar: 'data' is not base64: " + e.getMessage());
    }
    long frames = memory.readLong(FRAMES) + 1;
    memory.writeLong(FRAMES, frames);
    memory.writeLong(BYTES, memory.readLong(BYTES) + frame.length);
    memory.write(CHAIN, sha256(memory.read(CHAIN, 32), frame));
    return stats().put("seq", request.getLong("seq", frames)).put("overlay", Base64.getEncoder().encodeToString(overlay(frame)));
  }

  /** What the service draws over a frame; public so that clients and tests can check results. */
  public static byte[] overlay(byte[] frame) {
    byte[] reversed = new byte[Math.min(frame.length, OVERLAY_BYTES)];
    for (int i = 0; i < reversed.length; i++) {
      reversed[i] = frame[frame.length - 1 - i];
    }
    return reversed;
  }

  private JsonObject stats() {
    return new JsonObject().put("frames", memory.readLong(FRAMES)).put("bytes", memory.readLong(BYTES))
        .put("chain", HexFormat.of().formatHex(memory.read(CHAIN, 32)));
  }

  private static byte[] sha256(byte[] previous, byte[] frame) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(previous);
      digest.update(frame);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
