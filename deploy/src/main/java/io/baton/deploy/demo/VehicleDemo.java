package io.baton.deploy.demo;

import io.baton.broker.BrokerConfig;
import io.baton.broker.control.ControlApiConfig;
import io.baton.broker.control.ControlApiVerticle;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshCredentials;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.PrestageCancelled;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.Prestaged;
import io.baton.predictor.PredictorConfig;
import io.baton.predictor.PredictorSetup;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.protocol.directory.SitePlacement;
import java.util.Optional;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code baton demo}: three sites, a broker and the mobility predictor as cluster members on
 * loopback addresses, and one vehicle that drives past the sites calling its key-value service
 * ({@code incr trip}), which holds its map tiles; the predictor pre-stages the service ahead of
 * each handoff, so only what changed crosses once the service is frozen. Because
 * every call increments one counter, the counter's final value says how many calls were executed:
 * it must equal the number answered, or a call was lost or executed twice.
 */
public final class VehicleDemo {
  /**
   * The demo's settings; {@link #defaults()} gives a drive of about 20 seconds. {@code tilesKiB}
   * of map tiles fill the vehicle's service before it drives (the state a handoff moves); with
   * {@code predict}, the mobility predictor pre-stages it ahead of each handoff. The broker serves
   * the dashboard on {@code dashboardPort} of its address (0: no dashboard).
   */
  public record Options(double speedMps, double callHz, double telemetryHz, double spacingMeters, double shadowingDb,
      long seed, BrokerConfig broker, boolean predict, int tilesKiB, int dashboardPort) {
    public static final int DEFAULT_DASHBOARD_PORT = 8080;

    public static Options defaults() {
      return new Options(30, 20, 10, 250, 2.0, 7, BrokerConfig.defaults());
    }

    public Options(double speedMps, double callHz, double telemetryHz, double spacingMeters, double shadowingDb, long seed,
        BrokerConfig broker) {
      this(speedMps, callHz, telemetryHz, spacingMeters, shadowingDb, seed, broker, true, 1024, DEFAULT_DASHBOARD_PORT);
    }

    public Options withDashboardPort(int port) {
      return new Options(speedMps, callHz, telemetryHz, spacingMeters, shadowingDb, seed, broker, predict, tilesKiB, port);
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
    return run(layout, stay, MeshCredentials.temporary());
  }

  /** As above, every member with credentials issued from {@code credentials}. */
  public Result run(MeshLayout layout, boolean stay, MeshCredentials credentials) {
    out.printf("Starting %d sites (%s) and the broker (%s) as cluster members...%n", layout.siteHosts().size(),
        String.join(", ", layout.siteHosts()), layout.brokerHost());
    Road road = new Road(layout.agents().stream().map(a -> a.siteId()).toList(), options.spacingMeters(), 20);
    Optional<PredictorSetup> predictor = options.predict() ? Optional.of(predictorFor(road)) : Optional.empty();
    try (LocalMesh mesh = LocalMesh.start(layout, options.broker(), predictor, credentials)) {
      out.printf("Secured: members authenticate each other (cluster, event bus, transfer plane: mutual TLS) and clients (DTLS, tokens) with credentials in %s%n",
          credentials.dir());
      mesh.sites().forEach(site -> out.printf("  %s: CoAP %s, MQTT %s%n", site.config().siteId(), site.config().coapEndpoint(),
          site.config().mqtt().enabled() ? site.config().mqttEndpoint() : "(off)"));
      if (options.dashboardPort() != 0) {
        serveDashboard(mesh, layout, credentials);
      }
      Result result = drive(mesh, road);
      if (stay) {
        out.println("The mesh stays up for other clients; stop it with Ctrl-C.");
        awaitStop();
      }
      return result;
    }
  }

  /**
   * The broker's control API and dashboard, with the demo's sites registered as its nodes, so the
   * map shows them, the vehicle between them, and each handoff's steps on the timeline.
   */
  private void serveDashboard(LocalMesh mesh, MeshLayout layout, MeshCredentials credentials) {
    ControlApiVerticle api = new ControlApiVerticle(mesh.broker(),
        new ControlApiConfig(layout.brokerHost(), options.dashboardPort(), credentials.operatorToken(), 80));
    await(mesh.brokerVertx().deployVerticle(api), "serving the dashboard on " + layout.brokerHost() + ":" + options.dashboardPort()
        + " (--dashboard-port chooses another port, 0 none)");
    for (LocalMesh.Site site : mesh.sites()) {
      await(api.control().registerNode(new JsonObject().put("name", site.config().siteId())
          .put("endpoint", site.config().coapEndpoint()).put("role", "edge").put("network", "demo")), "registering " + site.config().siteId());
    }
    out.printf("Dashboard: http://%s:%d/ (the operator token is in %s)%n", layout.brokerHost(), api.port(),
        credentials.operatorTokenFile());
  }

  private static <T> T await(io.vertx.core.Future<T> future, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException failed) {
      throw new IllegalStateException(what + " failed: " + failed.getCause().getMessage(), failed.getCause());
    } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
      throw new IllegalStateException(what + " did not finish within 30 s", e);
    }
  }

  private static void awaitStop() {
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The predictor knows where the road's sites stand and how they radiate (the demo's radio model). */
  private PredictorSetup predictorFor(Road road) {
    List<SitePlacement> sites = new ArrayList<>();
    for (int i = 0; i < road.siteIds().size(); i++) {
      sites.add(new SitePlacement(road.siteIds().get(i), road.siteX(i), 0, RadioModel.SMALL_CELL_DBM, RadioModel.SMALL_CELL_EXPONENT,
          RadioModel.SMALL_CELL_REFERENCE_LOSS_DB));
    }
    BrokerConfig a3 = options.broker();
    return new PredictorSetup(PredictorConfig.matching(a3.hysteresisDb(), a3.timeToTriggerMs(), a3.smoothing()), sites,
        PlannerConfig.defaults(), options.tilesKiB() * 1024L);
  }

  private Result drive(LocalMesh mesh, Road road) {
    List<HandoffCompleted> handoffs = Collections.synchronizedList(new ArrayList<>());
    List<HandoffAborted> aborts = Collections.synchronizedList(new ArrayList<>());
    mesh.brokerVertx().eventBus().<HandoffCompleted>consumer(Addresses.HANDOFF_COMPLETED, m -> {
      handoffs.add(m.body());
      out.printf("  handoff %s -> %s (%s%s): %.1f ms, downtime %.1f ms, %d bytes moved, %d after the freeze%n",
          m.body().sourceSite(), m.body().targetSite(), m.body().technique(), m.body().prestaged() ? ", pre-staged" : "",
          m.body().handoffMillis(), m.body().downtimeMillis(), m.body().bytesMoved(), m.body().bytesAfterFreeze());
    });
    mesh.brokerVertx().eventBus().<PrestageRequested>consumer(Addresses.PRESTAGE_REQUESTED, m -> out.printf(
        "  predictor: pre-staging %s at %s (from %s)%n", m.body().instanceId(), m.body().targetSite(), m.body().sourceSite()));
    mesh.brokerVertx().eventBus().<Prestaged>consumer(Addresses.PRESTAGED, m -> out.printf(
        "  pre-staged at %s: %d bytes in %.1f ms%n", m.body().targetSite(), m.body().bytes(), m.body().transferMicros() / 1000.0));
    mesh.brokerVertx().eventBus().<PrestageCancelled>consumer(Addresses.PRESTAGE_CANCELLED, m -> out.printf(
        "  pre-stage at %s cancelled: %s%n", m.body().targetSite(), m.body().reason()));
    mesh.brokerVertx().eventBus().<HandoffAborted>consumer(Addresses.HANDOFF_ABORTED, m -> {
      aborts.add(m.body());
      out.printf("  handoff %s -> %s aborted at %s: %s%n", m.body().sourceSite(), m.body().targetSite(),
          m.body().failedStep(), m.body().reason());
    });

    String firstSite = mesh.sites().get(0).config().coapEndpoint();
    // The vehicle is a client of the mesh's client CA: coaps:// with its certificate, its service
    // token in every call, and only redirects MAC'd with its key are followed.
    try (BatonClient client = BatonClient.builder().clientId("vehicle-1").credentials(mesh.credentials().client("vehicle-1"))
        .site(firstSite).service("kv").serviceOptions(new JsonObject().put("sizeKiB", 2 * options.tilesKiB() + 64)).build()) {
      client.attachBlocking();
      DriveConsole console = new DriveConsole(out);
      console.loadTiles(client, options.tilesKiB(), options.seed());
      out.printf("vehicle-1 attached at %s; driving %.0f m at %.0f m/s, %.0f calls/s, telemetry %.0f/s%n",
          client.assignment().site(), road.lengthMeters(), options.speedMps(), options.callHz(), options.telemetryHz());
      Drive drive = new Drive(client, road, RadioModel.smallCell(options.shadowingDb(), options.seed()),
          options.speedMps(), options.telemetryHz(), options.callHz(), seq -> new JsonObject().put("op", "incr").put("key", "trip"));
      DriveReport report = console.withProgress(drive, client);
      CallResult total = client.callBlocking(new JsonObject().put("op", "get").put("key", "trip"));
      long executed = Long.parseLong(total.result().getString("value", "0"));
      Result result = new Result(List.copyOf(handoffs), List.copyOf(aborts), report, executed);
      print(result);
      return result;
    }
  }

  private void print(Result result) {
    out.println();
    out.println("Handoffs");
    out.printf("  %-3s %-8s %-8s %-10s %12s %12s %12s %11s %19s%n", "#", "from", "to", "technique", "handoff ms", "downtime ms",
        "bytes moved", "pre-staged", "bytes after freeze");
    int n = 0;
    for (HandoffCompleted h : result.handoffs()) {
      out.printf("  %-3d %-8s %-8s %-10s %12.1f %12.1f %12d %11s %19d%n", ++n, h.sourceSite(), h.targetSite(), h.technique(),
          h.handoffMillis(), h.downtimeMillis(), h.bytesMoved(), h.prestaged() ? "yes" : "no", h.bytesAfterFreeze());
    }
    if (!result.aborts().isEmpty()) {
      out.printf("  aborted handoffs: %d%n", result.aborts().size());
    }
    new DriveConsole(out).printRequests(result.drive(), result.duplicated());
  }

}
