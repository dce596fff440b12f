package io.baton.deploy.bench;

import io.baton.agent.clients.TelemetryAdmission;
import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.event.TelemetryReportedBatch;
import io.baton.protocol.security.ClientCredentials;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * {@code baton bench clients}: for each transport (CoAP, MQTT) and each client count N, attaches N
 * clients at site-a, has all of them report telemetry to site-a's agent as fast as it accepts it,
 * and meanwhile moves a sample of them (real SDK clients calling their counters) from site-a to
 * site-b to site-c. One row per run: telemetry offered, accepted and shed per second at the one
 * agent, redirect latency and perceived interruption per handoff, and the movers' calls lost or run
 * twice. Each N runs closed loop (the load sends as fast as the agent answers), then once per
 * offered rate (open loop: the load sends at that rate whatever the agent does, so a rate above
 * what it takes shows it shedding while the movers' calls and handoffs go on). The mesh
 * is secured: the movers hold client credentials of the mesh's CA; the reporting clients hold none,
 * since they are attached and reported for by gateways (one certificate each, not thousands).
 */
public final class ClientsBench {
  /** The bench's knobs: {@link #quick()} for a short run, {@link #full()} for the numbers to quote. */
  public record Options(List<Integer> clientCounts, int maxMovers, double moverCallHz, Duration window, List<String> transports,
      List<Double> offeredRates, List<Integer> crowdMovers) {
    /** The crowd rows' reporting clients: a city district's worth, with more of them moving at once. */
    static final int CROWD_CLIENTS = 1000;

    public static Options full() {
      return new Options(List.of(100, 1000, 5000), 20, 20, Duration.ofSeconds(10), List.of("coap", "mqtt"), List.of(),
          List.of(50));
    }

    public static Options quick() {
      return new Options(List.of(100, 1000, 5000), 5, 20, Duration.ofSeconds(3), List.of("coap", "mqtt"), List.of(),
          List.of());
    }

    /** Every row, in the order they run: per transport, each client count at each pace, then the crowd rows. */
    List<RowSpec> rows() {
      List<RowSpec> rows = new ArrayList<>();
      for (String transport : transports) {
        for (int clients : clientCounts) {
          rows.add(new RowSpec(transport, clients, maxMovers, TelemetryLoad.Pace.CLOSED));
          offeredRates.forEach(rate -> rows.add(new RowSpec(transport, clients, maxMovers, TelemetryLoad.Pace.offered(rate))));
        }
        crowdMovers.forEach(movers -> rows.add(new RowSpec(transport, CROWD_CLIENTS, movers, TelemetryLoad.Pace.CLOSED)));
      }
      return rows;
    }
  }

  /** One row's setting. Its client ids are its own, so no row meets a client an earlier one moved. */
  record RowSpec(String transport, int clients, int movers, TelemetryLoad.Pace pace) {
    String prefix() {
      return transport + clients + "-" + movers + "m" + (pace.open() ? "-at" + (long) pace.perSecond() : "") + "-";
    }

    List<String> moverIds() {
      return IntStream.range(0, Math.min(clients, movers)).mapToObj(i -> prefix() + "mover-" + i).toList();
    }
  }

  /** One run's numbers. */
  public record Row(String transport, int clients, int movers, double offeredPerSecond, double telemetryPerSecond,
      double shedPerSecond, long telemetryFailures,
      double redirectP50, double redirectP99, double interruptionP50, double interruptionP99, int handoffs, int aborted,
      long calls, long lost, long duplicated) {
  }

  private final Options options;
  private final PrintStream out;
  private ClientCredentials attachGateway;
  private ClientCredentials loadGateway;

  public ClientsBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /**
   * Runs every row on one mesh laid out as {@code plain}. With MQTT among the transports, the sites
   * share a Mosquitto on the broker's address, port {@code mqttPort} ({@link BenchBroker}).
   */
  public List<Row> run(MeshLayout plain, int mqttPort) {
    List<String> mqttMovers = options.rows().stream().filter(row -> row.transport().equals("mqtt"))
        .flatMap(row -> row.moverIds().stream()).toList();
    try (BenchBroker mqtt = mqttMovers.isEmpty() ? null
        : BenchBroker.start(plain, mqttPort, mqttMovers, List.of("bench-attach", "bench-load"))) {
      return run(mqtt == null ? plain : mqtt.layout());
    }
  }

  private List<Row> run(MeshLayout layout) {
    out.printf("Starting the mesh (%s, sites %s)...%n", layout.brokerHost(), String.join(", ", layout.siteHosts()));
    List<Row> rows = new ArrayList<>();
    try (LocalMesh mesh = LocalMesh.start(layout, BrokerConfig.defaults())) {
      attachGateway = mesh.credentials().gateway("bench-attach");
      loadGateway = mesh.credentials().gateway("bench-load");
      AtomicLong acceptedAtA = new AtomicLong();
      mesh.brokerVertx().eventBus().<TelemetryReportedBatch>consumer(Addresses.TELEMETRY_REPORTED, m -> {
        for (TelemetryReported report : m.body().reports()) {
          if (report.reportingSite().equals("site-a")) {
            acceptedAtA.incrementAndGet();
          }
        }
      }).completion().toCompletionStage().toCompletableFuture().join();
      warmUp(mesh, acceptedAtA);
      for (RowSpec spec : options.rows()) {
        Row row = runOne(mesh, spec, acceptedAtA);
        out.printf("  %s, %d clients, %d movers, %s: offered %.0f/s, accepted %.0f/s, shed %.0f/s, redirect p50 %.1f ms, "
            + "interruption p50 %.1f ms%n", spec.transport(), spec.clients(), row.movers(),
            spec.pace().open() ? "open loop" : "closed loop", row.offeredPerSecond(), row.telemetryPerSecond(),
            row.shedPerSecond(), row.redirectP50(), row.interruptionP50());
        rows.add(row);
      }
    }
    print(rows);
    return rows;
  }

  private Row runOne(LocalMesh mesh, RowSpec spec, AtomicLong acceptedAtA) {
    String transport = spec.transport();
    int clients = spec.clients();
    TelemetryLoad.Pace pace = spec.pace();
    LocalMesh.Site siteA = mesh.site("site-a").orElseThrow();
    TelemetryAdmission admission = siteA.agent().telemetryAdmission();
    String[] ids = IntStream.range(0, clients).mapToObj(i -> spec.prefix() + i).toArray(String[]::new);
    attachAll(siteA.config().coapEndpoint(), ids);

    List<String> moverIds = spec.moverIds();
    int moverCount = moverIds.size();
    try (Movers movers = new Movers(mesh, moverIds, id -> client(transport, id, siteA, mesh.credentials().client(id)));
        TelemetryLoad load = load(transport, siteA, acceptedAtA, pace)) {
      movers.start(options.moverCallHz());
      load.start(ids);
      sleep(1_000); // warm-up: the window starts once the load runs at its pace
      long window = options.window().toMillis();
      long countStart = acceptedAtA.get();
      long sentStart = load.sent();
      long shedStart = shed(admission);
      long start = System.nanoTime();
      CompletableFuture<Void> toB = movers.handOffAll("site-b", window / 3);
      sleep(window / 2);
      toB.join();
      CompletableFuture<Void> toC = movers.handOffAll("site-c", window / 3);
      sleep(window - window / 2);
      double seconds = (System.nanoTime() - start) / 1e9;
      long accepted = acceptedAtA.get() - countStart;
      long sent = load.sent() - sentStart;
      long shed = shed(admission) - shedStart;
      load.close();
      toC.join();
      Movers.Outcome outcome = movers.finish();
      RedirectTimeline.print(out, transport + ", " + clients + " clients, " + moverCount + " movers: where the handoffs' time went",
          outcome.phases());
      return new Row(transport, clients, moverCount, sent / seconds, accepted / seconds, shed / seconds, load.failures(),
          Percentiles.of(outcome.redirectMillis(), 50), Percentiles.of(outcome.redirectMillis(), 99),
          Percentiles.of(outcome.interruptionMillis(), 50), Percentiles.of(outcome.interruptionMillis(), 99),
          outcome.redirectMillis().size(), outcome.aborted(), outcome.sent(), outcome.lost(), outcome.duplicated());
    }
  }

  /** Reports the agent shed, on either transport (the load's own transport is the only one sending). */
  private static long shed(TelemetryAdmission admission) {
    return admission.counts(TelemetryAdmission.Transport.COAP).shed() + admission.counts(TelemetryAdmission.Transport.MQTT).shed();
  }

  /** A first unmeasured pass of each load, so the first row does not pay for the JIT. */
  private void warmUp(LocalMesh mesh, AtomicLong acceptedAtA) {
    LocalMesh.Site siteA = mesh.site("site-a").orElseThrow();
    String[] ids = IntStream.range(0, 100).mapToObj(i -> "warm-up-" + i).toArray(String[]::new);
    attachAll(siteA.config().coapEndpoint(), ids);
    for (String transport : options.transports()) {
      try (TelemetryLoad load = load(transport, siteA, acceptedAtA, TelemetryLoad.Pace.CLOSED)) {
        load.start(ids);
        sleep(options.window().toMillis());
      }
    }
  }

  /** The reporting clients' telemetry, sent by the load's gateway on their behalf. */
  private TelemetryLoad load(String transport, LocalMesh.Site site, AtomicLong acceptedAtA, TelemetryLoad.Pace pace) {
    return transport.equals("coap") ? new CoapTelemetryLoad(site.config().coapEndpoint(), loadGateway, pace)
        : new MqttTelemetryLoad(site.config().mqttEndpoint(), site.config().siteId(), loadGateway, acceptedAtA::get, pace);
  }

  private void attachAll(String coapEndpoint, String[] ids) {
    GatewayAttach.all(coapEndpoint, attachGateway, ids);
  }

  private static BatonClient client(String transport, String id, LocalMesh.Site site, ClientCredentials credentials) {
    BatonClient.Builder builder = BatonClient.builder().clientId(id).service("counter").credentials(credentials);
    return (transport.equals("coap") ? builder.site(site.config().coapEndpoint())
        : builder.mqtt(site.config().siteId(), site.config().mqttEndpoint())).build();
  }

  private void print(List<Row> rows) {
    out.println();
    out.println("Clients benchmark (one agent takes all the telemetry; movers are handed site-a -> site-b -> site-c)");
    out.printf("  %-9s %8s %7s %10s %13s %8s %13s %13s %15s %15s %9s %8s %8s %6s %6s%n", "transport", "clients", "movers",
        "offered/s", "telemetry/s", "shed/s", "redirect p50", "redirect p99", "interrupt. p50", "interrupt. p99", "handoffs",
        "aborted", "calls", "lost", "dup");
    for (Row r : rows) {
      out.printf("  %-9s %8d %7d %10.0f %13.0f %8.0f %10.1f ms %10.1f ms %12.1f ms %12.1f ms %9d %8d %8d %6d %6d%n",
          r.transport(), r.clients(), r.movers(), r.offeredPerSecond(), r.telemetryPerSecond(), r.shedPerSecond(),
          r.redirectP50(), r.redirectP99(), r.interruptionP50(), r.interruptionP99(), r.handoffs(), r.aborted(), r.calls(),
          r.lost(), r.duplicated());
    }
    out.println("  offered/s: reports the load sent; telemetry/s: accepted by site-a's agent (published on the bus);");
    out.println("  shed/s: refused by its admission bound (CoAP 5.03 with Max-Age, MQTT dropped). Rows with shedding ran");
    out.println("  open loop at an offered rate; the others closed loop, sending as fast as the agent answered.");
    out.println("  handoffs: completed and measured; aborted: a step timed out, the source kept serving (its calls count too).");
    out.println("  redirect: HandoffCompleted on the bus -> the client's first answer from the new site, or from that call's");
    out.println("  send if the mover made it later (negative: served there before the saga finished releasing the source).");
    out.printf("  interrupt.: as the SDK reports it to the app. Movers call %.0f times a second each.%n", options.moverCallHz());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
