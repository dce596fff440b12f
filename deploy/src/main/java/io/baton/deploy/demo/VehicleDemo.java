package io.baton.deploy.demo;

import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.cluster.LocalMesh;
import io.baton.deploy.cluster.MeshLayout;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code baton demo}: three sites and a broker as cluster members on loopback addresses, and one
 * vehicle that drives past the sites calling its key-value service ({@code incr trip}). Because
 * every call increments one counter, the counter's final value says how many calls were executed:
 * it must equal the number answered, or a call was lost or executed twice.
 */
public final class VehicleDemo {
  /** The demo's settings; {@link #defaults()} gives a drive of about 20 seconds. */
  public record Options(double speedMps, double callHz, double telemetryHz, double spacingMeters, double shadowingDb,
      long seed, BrokerConfig broker) {
    public static Options defaults() {
      return new Options(30, 20, 10, 250, 2.0, 7, BrokerConfig.defaults());
    }
  }

  /** The outcome: every handoff and abort seen on the bus, and the client's own account. */
  public record Result(List<HandoffCompleted> handoffs, List<HandoffAborted> aborts, DriveReport drive, long executedCalls) {
    public long duplicated() {
      return Math.max(0, executedCalls - drive.answered().size());
    }
  }

  private final Options options;
  private final PrintStream out;

  public VehicleDemo(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Result run(MeshLayout layout) {
    return run(layout, false);
  }

  /**
   * Runs the drive; with {@code stay}, the mesh then keeps serving (for the SDK's examples, or any
   * CoAP/MQTT client) until the process is stopped.
   */
  public Result run(MeshLayout layout, boolean stay) {
    out.printf("Starting %d sites (%s) and the broker (%s) as cluster members...%n", layout.siteHosts().size(),
        String.join(", ", layout.siteHosts()), layout.brokerHost());
    try (LocalMesh mesh = LocalMesh.start(layout, options.broker())) {
      mesh.sites().forEach(site -> out.printf("  %s: CoAP %s, MQTT %s%n", site.config().siteId(), site.config().coapEndpoint(),
          site.config().mqtt().enabled() ? site.config().mqttEndpoint() : "(off)"));
      Result result = drive(mesh);
      if (stay) {
        out.println("The mesh stays up for other clients; stop it with Ctrl-C.");
        awaitStop();
      }
      return result;
    }
  }

  private static void awaitStop() {
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Result drive(LocalMesh mesh) {
    List<HandoffCompleted> handoffs = Collections.synchronizedList(new ArrayList<>());
    List<HandoffAborted> aborts = Collections.synchronizedList(new ArrayList<>());
    mesh.brokerVertx().eventBus().<HandoffCompleted>consumer(Addresses.HANDOFF_COMPLETED, m -> {
      handoffs.add(m.body());
      out.printf("  handoff %s -> %s (%s): %.1f ms, downtime %.1f ms, %d bytes moved%n", m.body().sourceSite(),
          m.body().targetSite(), m.body().technique(), m.body().handoffMillis(), m.body().downtimeMillis(), m.body().bytesMoved());
    });
    mesh.brokerVertx().eventBus().<HandoffAborted>consumer(Addresses.HANDOFF_ABORTED, m -> {
      aborts.add(m.body());
      out.printf("  handoff %s -> %s aborted at %s: %s%n", m.body().sourceSite(), m.body().targetSite(),
          m.body().failedStep(), m.body().reason());
    });

    Road road = new Road(mesh.sites().stream().map(s -> s.config().siteId()).toList(), options.spacingMeters(), 20);
    String firstSite = mesh.sites().get(0).config().coapEndpoint();
    try (BatonClient client = BatonClient.builder().clientId("vehicle-1").site(firstSite).service("kv").build()) {
      client.attachBlocking();
      out.printf("vehicle-1 attached at %s; driving %.0f m at %.0f m/s, %.0f calls/s, telemetry %.0f/s%n",
          client.assignment().site(), road.lengthMeters(), options.speedMps(), options.callHz(), options.telemetryHz());
      Drive drive = new Drive(client, road, RadioModel.smallCell(options.shadowingDb(), options.seed()),
          options.speedMps(), options.telemetryHz(), options.callHz(), seq -> new JsonObject().put("op", "incr").put("key", "trip"));
      DriveReport report = withProgress(drive, client);
      CallResult total = client.callBlocking(new JsonObject().put("op", "get").put("key", "trip"));
      long executed = Long.parseLong(total.result().getString("value", "0"));
      Result result = new Result(List.copyOf(handoffs), List.copyOf(aborts), report, executed);
      print(result);
      return result;
    }
  }

  private DriveReport withProgress(Drive drive, BatonClient client) {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    ticker.scheduleAtFixedRate(() -> {
      Drive.Position at = drive.position();
      if (at != null) {
        StringBuilder rssi = new StringBuilder();
        at.rssiDbm().forEach((site, dbm) -> rssi.append(String.format(" %s=%.0f", site, dbm)));
        out.printf("[%5.1f s] x=%5.0f m  serving %s  rssi dBm:%s%n", at.seconds(), at.x(), client.assignment().site(), rssi);
      }
    }, 1, 1, TimeUnit.SECONDS);
    try {
      return drive.start().join();
    } finally {
      ticker.shutdownNow();
    }
  }

  private void print(Result result) {
    out.println();
    out.println("Handoffs");
    out.printf("  %-3s %-8s %-8s %-10s %12s %12s %12s%n", "#", "from", "to", "technique", "handoff ms", "downtime ms", "bytes moved");
    int n = 0;
    for (HandoffCompleted h : result.handoffs()) {
      out.printf("  %-3d %-8s %-8s %-10s %12.1f %12.1f %12d%n", ++n, h.sourceSite(), h.targetSite(), h.technique(), h.handoffMillis(),
          h.downtimeMillis(), h.bytesMoved());
    }
    if (!result.aborts().isEmpty()) {
      out.printf("  aborted handoffs: %d%n", result.aborts().size());
    }
    DriveReport drive = result.drive();
    out.println();
    out.println("Requests");
    out.printf("  %8s %9s %6s %11s %22s %15s%n", "sent", "answered", "lost", "duplicated", "held through handoff", "max latency ms");
    out.printf("  %8d %9d %6d %11d %22d %15.1f%n", drive.sent(), drive.answered().size(), drive.lost(),
        result.duplicated(), drive.heldCalls(), drive.maxLatencyMillis());
    drive.failures().stream().distinct().limit(5).forEach(f -> out.println("  failed: " + f));
  }

}
