package io.baton.examples;

import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.client.HandoffListener;
import io.baton.client.TelemetryReporter;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * An AR headset over CoAP. It streams camera frames (16 KiB each, block-wise) to its AR session
 * service and checks every overlay that comes back while the wearer walks past the sites; the
 * session (frames seen, a hash chain over them) moves with the service at each handoff. At the end
 * the session must have seen each frame exactly once.
 *
 * <pre>
 * java -jar deploy/target/baton.jar demo --stay &amp;
 * java -cp ... io.baton.examples.ArSessionClient --site coap://127.0.0.2:5683
 * </pre>
 */
public final class ArSessionClient {
  /** The overlay the session service draws: the frame reversed, at most 1536 bytes. */
  private static final int OVERLAY_BYTES = 1_536;

  /** Frames sent, overlays that matched, what the session counted, and the handoffs heard. */
  public record Summary(int sent, int matched, long sessionFrames, List<HandoffListener.End> handoffs) {
  }

  public static void main(String[] args) throws Exception {
    System.exit(exitCode(args));
  }

  /** Runs the example with {@code --name value} options; 0 when nothing was lost or done twice. */
  public static int exitCode(String[] args) throws Exception {
    Args options = new Args(args);
    String id = options.get("id", "glasses-7");
    Summary summary = run(id, options.credentials(id), options.get("site", "coaps://127.0.0.2:5683"),
        (int) options.number("sites", 3), options.number("spacing", 250), options.number("speed", 30),
        options.number("fps", 20), (int) options.number("frame-kb", 16), System.out);
    return summary.sent() == summary.matched() ? 0 : 1;
  }

  public static Summary run(String headsetId, java.util.Optional<io.baton.protocol.security.ClientCredentials> credentials,
      String coapEndpoint, int sites, double spacing, double speed, double fps,
      int frameKb, PrintStream out) throws Exception {
    List<HandoffListener.End> handoffs = new ArrayList<>();
    Random camera = new Random(42);
    BatonClient.Builder builder = BatonClient.builder().clientId(headsetId).service("ar").site(coapEndpoint);
    credentials.ifPresent(builder::credentials);
    try (BatonClient client = builder.build()) {
      client.onHandoff(new HandoffListener() {
        @Override
        public void onHandoffEnd(End end) {
          handoffs.add(end);
          out.printf("%s: session moved %s -> %s, %.0f ms without overlays%n", headsetId, end.fromSite(), end.toSite(),
              end.interruption().toNanos() / 1e6);
        }
      });
      out.printf("%s attached at %s over CoAP%n", headsetId, client.attachBlocking().site());
      long before = stats(client).getLong("frames");

      SimulatedRoute route = new SimulatedRoute(headsetId, sites, spacing, speed);
      int sent = 0;
      int matched = 0;
      try (TelemetryReporter reporter = client.startReporting(Duration.ofMillis(100), route::reading)) {
        while (!route.ended()) {
          byte[] frame = new byte[frameKb * 1024];
          camera.nextBytes(frame);
          long frameStart = System.nanoTime();
          // One frame at a time, as a renderer waits for its overlay.
          CallResult result = client.callBlocking(new JsonObject().put("op", "frame").put("seq", ++sent)
              .put("data", Base64.getEncoder().encodeToString(frame)));
          if (Arrays.equals(expectedOverlay(frame), Base64.getDecoder().decode(result.result().getString("overlay")))) {
            matched++;
          }
          long leftNanos = (long) (1e9 / fps) - (System.nanoTime() - frameStart);
          if (leftNanos > 0) {
            Thread.sleep(leftNanos / 1_000_000, (int) (leftNanos % 1_000_000));
          }
        }
      }
      long sessionFrames = stats(client).getLong("frames") - before;
      out.printf("%s: %d frames sent, %d overlays correct, the session counted %d, now at %s%n", headsetId, sent, matched,
          sessionFrames, client.assignment().site());
      return new Summary(sent, matched, sessionFrames, List.copyOf(handoffs));
    }
  }

  private static JsonObject stats(BatonClient client) {
    return client.callBlocking(new JsonObject().put("op", "stats")).result();
  }

  private static byte[] expectedOverlay(byte[] frame) {
    byte[] reversed = new byte[Math.min(frame.length, OVERLAY_BYTES)];
    for (int i = 0; i < reversed.length; i++) {
      reversed[i] = frame[frame.length - 1 - i];
    }
    return reversed;
  }
}
