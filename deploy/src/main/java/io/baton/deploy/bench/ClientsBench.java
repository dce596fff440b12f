package io.baton.deploy.bench;

import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.BatonGateway;
import io.baton.deploy.cluster.LocalMesh;
import io.baton.deploy.cluster.MeshLayout;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.TelemetryReported;
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
 * site-b to site-c. One row per run: telemetry accepted per second by the one agent, redirect
 * latency and perceived interruption per handoff, and the movers' calls lost or run twice. The mesh
 * is secured: the movers hold client credentials of the mesh's CA; the reporting clients hold none,
 * since they are attached and reported for by gateways (one certificate each, not thousands).
 */
public final class ClientsBench {
  /** The bench's knobs: {@link #quick()} for a short run, {@link #full()} for the numbers to quote. */
  public record Options(List<Integer> clientCounts, int maxMovers, double moverCallHz, Duration window, List<String> transports) {
    public static Options full() {
      return new Options(List.of(100, 1000, 5000), 20, 20, Duration.ofSeconds(10), List.of("coap", "mqtt"));
    }

    public static Options quick() {
      return new Options(List.of(100, 1000, 5000), 5, 20, Duration.ofSeconds(3), List.of("coap", "mqtt"));
    }
  }

  /** One run's numbers. */
  public record Row(String transport, int clients, int movers, double telemetryPerSecond, long telemetryFailures,
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

  public List<Row> run(MeshLayout layout) {
    out.printf("Starting the mesh (%s, sites %s)...%n", layout.brokerHost(), String.join(", ", layout.siteHosts()));
    List<Row> rows = new ArrayList<>();
    try (LocalMesh mesh = LocalMesh.start(layout, BrokerConfig.defaults())) {
      attachGateway = mesh.credentials().gateway("bench-attach");
      loadGateway = mesh.credentials().gateway("bench-load");
      AtomicLong acceptedAtA = new AtomicLong();
      mesh.brokerVertx().eventBus().<TelemetryReported>consumer(Addresses.TELEMETRY_REPORTED, m -> {
        if (m.body().reportingSite().equals("site-a")) {
          acceptedAtA.incrementAndGet();
        }
      }).completion().toCompletionStage().toCompletableFuture().join();
      warmUp(mesh, acceptedAtA);
      for (String transport : options.transports()) {
        for (int clients : options.clientCounts()) {
          Row row = runOne(mesh, transport, clients, acceptedAtA);
          out.printf("  %s, %d clients: %.0f telemetry/s, redirect p50 %.1f ms, interruption p50 %.1f ms%n", transport,
              clients, row.telemetryPerSecond(), row.redirectP50(), row.interruptionP50());
          rows.add(row);
        }
      }
    }
    print(rows);
    return rows;
  }

  private Row runOne(LocalMesh mesh, String transport, int clients, AtomicLong acceptedAtA) {
    LocalMesh.Site siteA = mesh.site("site-a").orElseThrow();
    String prefix = transport + clients + "-";
    String[] ids = IntStream.range(0, clients).mapToObj(i -> prefix + i).toArray(String[]::new);
    attachAll(siteA.config().coapEndpoint(), ids);

    int moverCount = Math.min(clients, options.maxMovers());
    List<String> moverIds = IntStream.range(0, moverCount).mapToObj(i -> prefix + "mover-" + i).toList();
    try (Movers movers = new Movers(mesh, moverIds, id -> client(transport, id, siteA, mesh.credentials().client(id)));
        TelemetryLoad load = load(transport, siteA, acceptedAtA)) {
      movers.start(options.moverCallHz());
      load.start(ids);
      sleep(1_000); // warm-up: the window starts once the load runs at its pace
      long window = options.window().toMillis();
      long countStart = acceptedAtA.get();
      long start = System.nanoTime();
      CompletableFuture<Void> toB = movers.handOffAll("site-b", window / 3);
      sleep(window / 2);
      toB.join();
      CompletableFuture<Void> toC = movers.handOffAll("site-c", window / 3);
      sleep(window - window / 2);
      double seconds = (System.nanoTime() - start) / 1e9;
      long accepted = acceptedAtA.get() - countStart;
      load.close();
      toC.join();
      Movers.Outcome outcome = movers.finish();
      RedirectTimeline.print(out, transport + ", " + clients + " clients: where the handoffs' time went", outcome.phases());
      return new Row(transport, clients, moverCount, accepted / seconds, load.failures(),
          Percentiles.of(outcome.redirectMillis(), 50), Percentiles.of(outcome.redirectMillis(), 99),
          Percentiles.of(outcome.interruptionMillis(), 50), Percentiles.of(outcome.interruptionMillis(), 99),
          outcome.redirectMillis().size(), outcome.aborted(), outcome.sent(), outcome.lost(), outcome.duplicated());
    }
  }

  /** A first unmeasured pass of each load, so the first row does not pay for the JIT. */
  private void warmUp(LocalMesh mesh, AtomicLong acceptedAtA) {
    LocalMesh.Site siteA = mesh.site("site-a").orElseThrow();
    String[] ids = IntStream.range(0, 100).mapToObj(i -> "warm-up-" + i).toArray(String[]::new);
    attachAll(siteA.config().coapEndpoint(), ids);
    for (String transport : options.transports()) {
      try (TelemetryLoad load = load(transport, siteA, acceptedAtA)) {
        load.start(ids);
        sleep(options.window().toMillis());
      }
    }
  }

  /** The reporting clients' telemetry, sent by the load's gateway on their behalf. */
  private TelemetryLoad load(String transport, LocalMesh.Site site, AtomicLong acceptedAtA) {
    return transport.equals("coap") ? new CoapTelemetryLoad(site.config().coapEndpoint(), loadGateway)
        : new MqttTelemetryLoad(site.config().mqttEndpoint(), site.config().siteId(), loadGateway, acceptedAtA::get);
  }

  /**
   * Attaches the reporting clients through one CoAP gateway, a hundred at a time. The first goes
   * alone: until its DTLS handshake is done, Scandium holds only a few outbound messages and drops
   * the rest.
   */
  private void attachAll(String coapEndpoint, String[] ids) {
    try (BatonGateway gateway = BatonGateway.builder().gatewayId(attachGateway.clientId()).credentials(attachGateway)
        .site(coapEndpoint).timeout(Duration.ofSeconds(10)).build()) {
      gateway.attach(ids[0], "counter").join();
      for (int from = 1; from < ids.length; from += 100) {
        List<CompletableFuture<?>> batch = new ArrayList<>();
        for (int i = from; i < Math.min(ids.length, from + 100); i++) {
          batch.add(gateway.attach(ids[i], "counter"));
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
      }
    }
  }

  private static BatonClient client(String transport, String id, LocalMesh.Site site, ClientCredentials credentials) {
    BatonClient.Builder builder = BatonClient.builder().clientId(id).service("counter").credentials(credentials);
    return (transport.equals("coap") ? builder.site(site.config().coapEndpoint())
        : builder.mqtt(site.config().siteId(), site.config().mqttEndpoint())).build();
  }

  private void print(List<Row> rows) {
    out.println();
    out.println("Clients benchmark (one agent takes all the telemetry; movers are handed site-a -> site-b -> site-c)");
    out.printf("  %-9s %8s %7s %13s %13s %13s %15s %15s %9s %8s %8s %6s %6s%n", "transport", "clients", "movers", "telemetry/s",
        "redirect p50", "redirect p99", "interrupt. p50", "interrupt. p99", "handoffs", "aborted", "calls", "lost", "dup");
    for (Row r : rows) {
      out.printf("  %-9s %8d %7d %13.0f %10.1f ms %10.1f ms %12.1f ms %12.1f ms %9d %8d %8d %6d %6d%n", r.transport(),
          r.clients(), r.movers(), r.telemetryPerSecond(), r.redirectP50(), r.redirectP99(), r.interruptionP50(),
          r.interruptionP99(), r.handoffs(), r.aborted(), r.calls(), r.lost(), r.duplicated());
    }
    out.println("  handoffs: completed and measured; aborted: a step timed out, the source kept serving (its calls count too).");
    out.println("  redirect: HandoffCompleted on the bus -> the client's first answer from the new site (negative: served");
    out.println("  there before the saga finished releasing the source). interrupt.: as the SDK reports it to the app.");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
