package io.baton.examples;

import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.client.HandoffListener;
import io.baton.client.TelemetryReporter;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A vehicle's telematics unit over MQTT. It attaches through the first site's broker, reports its
 * position and signal strengths ten times a second (the SDK's periodic reporter), and logs its trip
 * to its key-value service ({@code incr odometer}) ten times a second while it drives past the
 * sites. The mesh hands its service from site to site; the SDK follows each redirect to the next
 * site's broker and prints how long each handoff interrupted the service.
 *
 * <pre>
 * java -jar deploy/target/baton.jar demo --stay &amp;
 * java -cp examples/target/examples.jar:... io.baton.examples.VehicleTelematics --broker ssl://127.0.0.2:1883 --site site-a --credentials baton-credentials
 * </pre>
 */
public final class VehicleTelematics {

  /** What the drive came to: calls made and answered, the odometer's final value, the handoffs heard. */
  public record Summary(int sent, int answered, long odometer, List<HandoffListener.End> handoffs) {
  }

  public static void main(String[] args) throws Exception {
    System.exit(exitCode(args));
  }

  /** Runs the example with {@code --name value} options; 0 when nothing was lost or done twice. */
  public static int exitCode(String[] args) throws Exception {
    Args options = new Args(args);
    String id = options.get("id", "truck-42");
    Summary summary = run(id, options.credentials(id), options.get("site", "site-a"),
        options.get("broker", "ssl://127.0.0.2:1883"), (int) options.number("sites", 3), options.number("spacing", 250),
        options.number("speed", 30), System.out);
    return summary.sent() == summary.answered() && summary.odometer() == summary.answered() ? 0 : 1;
  }

  public static Summary run(String vehicleId, java.util.Optional<io.baton.protocol.security.ClientCredentials> credentials,
      String siteId, String brokerUri, int sites, double spacing, double speed,
      PrintStream out) throws Exception {
    List<HandoffListener.End> handoffs = new ArrayList<>();
    BatonClient.Builder builder = BatonClient.builder().clientId(vehicleId).service("kv").mqtt(siteId, brokerUri);
    credentials.ifPresent(builder::credentials);
    try (BatonClient client = builder.build()) {
      client.onHandoff(new HandoffListener() {
        @Override
        public void onHandoffEnd(End end) {
          handoffs.add(end);
          out.printf("%s: service moved %s -> %s (epoch %d), interrupted for %.0f ms%n", vehicleId, end.fromSite(),
              end.toSite(), end.epoch(), end.interruption().toNanos() / 1e6);
        }
      });
      out.printf("%s attached at %s over MQTT%n", vehicleId, client.attachBlocking().site());
      // Count the trip from here: an earlier run of the same vehicle id left its odometer behind.
      long start = odometer(client);

      SimulatedRoute route = new SimulatedRoute(vehicleId, sites, spacing, speed);
      List<CompletableFuture<CallResult>> calls = new ArrayList<>();
      try (TelemetryReporter reporter = client.startReporting(Duration.ofMillis(100), route::reading)) {
        while (!route.ended()) {
          calls.add(client.call(new JsonObject().put("op", "incr").put("key", "odometer")));
          Thread.sleep(100);
        }
        out.printf("%s reached the end of the road: %d telemetry reports sent%n", vehicleId, reporter.sent());
      }
      int answered = 0;
      for (CompletableFuture<CallResult> call : calls) {
        call.join();
        answered++;
      }
      long odometer = odometer(client) - start;
      out.printf("%s: %d trip updates sent, %d answered, odometer advanced by %d, now served by %s%n", vehicleId,
          calls.size(), answered, odometer, client.assignment().site());
      return new Summary(calls.size(), answered, odometer, List.copyOf(handoffs));
    }
  }

  private static long odometer(BatonClient client) {
    String value = client.callBlocking(new JsonObject().put("op", "get").put("key", "odometer")).result().getString("value");
    return value == null ? 0 : Long.parseLong(value);
  }
}
