package io.baton.deploy.bench;

import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.demo.RadioModel;
import io.baton.deploy.demo.Road;
import io.baton.predictor.PredictorConfig;
import io.baton.predictor.PredictorSetup;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.protocol.Addresses;
import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.event.TelemetryReportedBatch;
import io.baton.protocol.health.StallWatchdog;
import io.baton.protocol.security.ClientCredentials;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * {@code baton bench soak}, and the soak test's engine: the secured mesh (broker, three sites,
 * predictor) under a city's load for a while. Many clients report to site-a through gateways over
 * CoAP and MQTT; movers, half on each transport, drive back and forth past the three sites, so the
 * trigger moves them from their own telemetry and the predictor pre-stages ahead of them, all the
 * while calling their counters. Then the drive stops, the last handoffs finish, and it counts:
 * handoffs requested, completed and aborted, calls lost or run twice, stalls the watchdog saw,
 * and the heap after a full collection, sampled through the run, for a growth trend.
 */
public final class SoakRun {
  private static final String MOVER = "soak-mover-";
  private static final double SITE_SPACING_M = 250;
  private static final String ATTACH_GATEWAY = "soak-attach";
  private static final String LOAD_GATEWAY = "soak-load";

  /** The run's knobs; {@link #ci()} is what the soak test runs. */
  public record Options(int clients, double reportHz, int movers, Duration duration, double moverCallHz, double speedMps,
      Duration heapSampleEvery) {
    public Options {
      if (clients < 2 || !(reportHz > 0) || movers < 2 || duration.isNegative() || duration.isZero() || !(moverCallHz > 0)
          || !(speedMps > 0)) {
        throw new IllegalArgumentException(
            "a soak needs at least 2 clients and 2 movers, and a positive report rate, duration, call rate and speed");
      }
    }

    /** 1,000 clients reporting once a second, 20 movers calling 5 times a second at 25 m/s, for two minutes. */
    public static Options ci() {
      return new Options(1_000, 1, 20, Duration.ofMinutes(2), 5, 25, Duration.ofSeconds(5));
    }
  }

  /** What the run saw. {@code heapMiB}: used heap after a full collection, one sample per period. */
  public record Result(int requested, int completed, int aborted, long calls, long lost, long duplicated,
      double telemetryPerSecond, long coapReports, long mqttReports, long telemetryFailures, long stalls, List<Double> heapMiB, double redirectP99,
      double interruptionP99) {
    /**
     * Mean heap of the run's last third minus that of its middle third (the first is warm-up), in
     * MiB. Not a fitted slope: Californium's deduplicator frees its exchanges in 15 s crops, a
     * sawtooth of some 20 MiB that tips a slope either way; a leak grows the later third by far more.
     */
    public double heapGrowthMiB() {
      int third = heapMiB.size() / 3;
      if (third < 1) {
        return 0;
      }
      return mean(heapMiB.subList(heapMiB.size() - third, heapMiB.size())) - mean(heapMiB.subList(third, 2 * third));
    }

    private static double mean(List<Double> values) {
      return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    public int unfinished() {
      return requested - completed - aborted;
    }
  }

  private final Options options;
  private final PrintStream out;

  public SoakRun(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs the soak on a mesh laid out as {@code plain}; the sites share a Mosquitto on the broker's address. */
  public Result run(MeshLayout plain, int mqttPort) {
    int half = options.movers() / 2;
    List<String> mqttMovers = moverIds("mqtt", half, options.movers());
    try (BenchBroker mqtt = BenchBroker.start(plain, mqttPort, mqttMovers, List.of(ATTACH_GATEWAY, LOAD_GATEWAY))) {
      return run(mqtt.layout());
    }
  }

  private Result run(MeshLayout layout) {
    BrokerConfig broker = BrokerConfig.defaults();
    List<String> siteIds = List.of("site-a", "site-b", "site-c");
    List<SitePlacement> placements = IntStream.range(0, siteIds.size())
        .mapToObj(i -> new SitePlacement(siteIds.get(i), i * SITE_SPACING_M, 0, RadioModel.SMALL_CELL_DBM,
            RadioModel.SMALL_CELL_EXPONENT))
        .toList();
    PredictorSetup predictor = new PredictorSetup(PredictorConfig.matching(broker.hysteresisDb(), broker.timeToTriggerMs(),
        broker.smoothing()), placements, PlannerConfig.defaults(), 1_000_000);
    out.printf("Starting the secured mesh (%s, sites %s) with the predictor...%n", layout.brokerHost(),
        String.join(", ", layout.siteHosts()));
    try (LocalMesh mesh = LocalMesh.start(layout, broker, Optional.of(predictor))) {
      return soak(mesh, new Road(siteIds, SITE_SPACING_M, 20));
    }
  }

  private Result soak(LocalMesh mesh, Road road) {
    LocalMesh.Site siteA = mesh.site("site-a").orElseThrow();
    ClientCredentials attachGateway = mesh.credentials().gateway(ATTACH_GATEWAY);
    ClientCredentials loadGateway = mesh.credentials().gateway(LOAD_GATEWAY);
    String[] ids = IntStream.range(0, options.clients()).mapToObj(i -> "soak-" + i).toArray(String[]::new);
    out.printf("Attaching %d clients at site-a...%n", ids.length);
    GatewayAttach.all(siteA.config().coapEndpoint(), attachGateway, ids);

    AtomicLong accepted = new AtomicLong();
    AtomicLong coapReports = new AtomicLong();
    AtomicLong mqttReports = new AtomicLong();
    int firstMqttClient = ids.length / 2;
    AtomicInteger requested = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger aborted = new AtomicInteger();
    List<String> abortReasons = Collections.synchronizedList(new ArrayList<>());
    List<MessageConsumer<?>> consumers = List.of(
        mesh.brokerVertx().eventBus().<TelemetryReportedBatch>consumer(Addresses.TELEMETRY_REPORTED, m -> {
          for (TelemetryReported report : m.body().reports()) {
            String id = report.clientId();
            if (report.reportingSite().equals("site-a") && !id.startsWith(MOVER)) {
              accepted.incrementAndGet();
              // the CoAP load reports for the first half of the clients, the MQTT load for the rest
              (Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) < firstMqttClient ? coapReports : mqttReports)
                  .incrementAndGet();
            }
          }
        }),
        mesh.brokerVertx().eventBus().<HandoffRequested>consumer(Addresses.HANDOFF_REQUESTED, m -> {
          if (m.body().clientId().startsWith(MOVER)) {
            requested.incrementAndGet();
          }
        }),
        mesh.brokerVertx().eventBus().<HandoffCompleted>consumer(Addresses.HANDOFF_COMPLETED, m -> {
          if (m.body().clientId().startsWith(MOVER)) {
            completed.incrementAndGet();
          }
        }),
        mesh.brokerVertx().eventBus().<HandoffAborted>consumer(Addresses.HANDOFF_ABORTED, m -> {
          if (m.body().clientId().startsWith(MOVER)) {
            aborted.incrementAndGet();
            abortReasons.add(m.body().toString());
          }
        }));
    consumers.forEach(c -> c.completion().toCompletionStage().toCompletableFuture().join());

    int half = options.movers() / 2;
    String[] coapIds = Arrays.copyOfRange(ids, 0, firstMqttClient);
    String[] mqttIds = Arrays.copyOfRange(ids, firstMqttClient, ids.length);
    long stallsBefore = StallWatchdog.stalls();
    List<Double> heap = new ArrayList<>();
    long started;
    Movers.Outcome coapOutcome;
    Movers.Outcome mqttOutcome;
    long telemetryFailures;
    double telemetryPerSecond;
    try (Movers coapMovers = new Movers(mesh, moverIds("coap", 0, half), id -> client(mesh, siteA, id, true));
        Movers mqttMovers = new Movers(mesh, moverIds("mqtt", half, options.movers()), id -> client(mesh, siteA, id, false));
        TelemetryLoad coapLoad = new CoapTelemetryLoad(siteA.config().coapEndpoint(), loadGateway,
            TelemetryLoad.Pace.offered(coapIds.length * options.reportHz()));
        TelemetryLoad mqttLoad = new MqttTelemetryLoad(siteA.config().mqttEndpoint(), siteA.config().siteId(), loadGateway,
            accepted::get, TelemetryLoad.Pace.offered(mqttIds.length * options.reportHz()))) {
      coapMovers.start(options.moverCallHz());
      mqttMovers.start(options.moverCallHz());
      coapLoad.start(coapIds);
      mqttLoad.start(mqttIds);
      // Spread the movers over one lap of the road, so handoffs come steadily, not in waves.
      double lapSeconds = 2 * road.lengthMeters() / options.speedMps();
      long stagger = Math.round(lapSeconds * 1000 / options.movers());
      RadioModel radio = RadioModel.smallCell(1.0, 7);
      coapMovers.startDriving(road, radio, options.speedMps(), 10, stagger);
      mqttMovers.startDriving(road, radio, options.speedMps(), 10, stagger);

      started = System.nanoTime();
      long acceptedAtStart = accepted.get();
      long end = started + options.duration().toNanos();
      long nextSample = started;
      while (System.nanoTime() < end) {
        if (System.nanoTime() >= nextSample) {
          heap.add(heapAfterGcMiB());
          out.printf("  %3.0f s: %d handoffs requested, %d completed, %d aborted; %.0f reports/s; heap %.0f MiB%n",
              (System.nanoTime() - started) / 1e9, requested.get(), completed.get(), aborted.get(),
              (accepted.get() - acceptedAtStart) / Math.max(1e-9, (System.nanoTime() - started) / 1e9), heap.get(heap.size() - 1));
          nextSample += options.heapSampleEvery().toNanos();
        }
        sleep(200);
      }
      telemetryPerSecond = (accepted.get() - acceptedAtStart) / ((System.nanoTime() - started) / 1e9);
      coapMovers.stopDriving();
      mqttMovers.stopDriving();
      out.println("Drive over: waiting for the last handoffs to finish...");
      long settleBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (requested.get() > completed.get() + aborted.get() && System.nanoTime() < settleBy) {
        sleep(200);
      }
      coapLoad.close();
      mqttLoad.close();
      telemetryFailures = coapLoad.failures() + mqttLoad.failures();
      coapOutcome = coapMovers.finish();
      mqttOutcome = mqttMovers.finish();
    } finally {
      consumers.forEach(MessageConsumer::unregister);
    }
    abortReasons.forEach(reason -> out.println("  aborted: " + reason));
    List<Double> redirects = concat(coapOutcome.redirectMillis(), mqttOutcome.redirectMillis());
    List<Double> interruptions = concat(coapOutcome.interruptionMillis(), mqttOutcome.interruptionMillis());
    return new Result(requested.get(), completed.get(), aborted.get(), coapOutcome.sent() + mqttOutcome.sent(),
        coapOutcome.lost() + mqttOutcome.lost(), coapOutcome.duplicated() + mqttOutcome.duplicated(), telemetryPerSecond,
        coapReports.get(), mqttReports.get(), telemetryFailures, StallWatchdog.stalls() - stallsBefore, List.copyOf(heap),
        redirects.isEmpty() ? Double.NaN : Percentiles.of(redirects, 99),
        interruptions.isEmpty() ? Double.NaN : Percentiles.of(interruptions, 99));
  }

  /** Prints the run's table. */
  public void print(Result r) {
    out.println();
    out.printf("Soak: %d clients reporting, %d movers (half CoAP, half MQTT), %d s%n", options.clients(), options.movers(),
        options.duration().toSeconds());
    out.printf("  handoffs requested %d, completed %d, aborted %d, unfinished %d%n", r.requested(), r.completed(),
        r.aborted(), r.unfinished());
    out.printf("  movers' calls %d, lost %d, run twice %d; redirect p99 %.1f ms, interruption p99 %.1f ms%n", r.calls(),
        r.lost(), r.duplicated(), r.redirectP99(), r.interruptionP99());
    out.printf("  telemetry accepted at site-a %.0f/s (%d over CoAP, %d over MQTT, %d failed); stalls %d%n",
        r.telemetryPerSecond(), r.coapReports(), r.mqttReports(), r.telemetryFailures(), r.stalls());
    out.printf("  heap after full GC (MiB): %s; last third's mean minus the middle third's: %+.1f MiB%n", r.heapMiB().stream()
        .map(v -> String.format("%.0f", v)).toList(), r.heapGrowthMiB());
  }

  private List<String> moverIds(String transport, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> MOVER + transport + "-" + i).toList();
  }

  private static BatonClient client(LocalMesh mesh, LocalMesh.Site site, String id, boolean coap) {
    BatonClient.Builder builder = BatonClient.builder().clientId(id).service("counter")
        .credentials(mesh.credentials().client(id));
    return (coap ? builder.site(site.config().coapEndpoint())
        : builder.mqtt(site.config().siteId(), site.config().mqttEndpoint())).build();
  }

  @SuppressWarnings("java:S1215") // a full collection is the point: what is left is what the mesh holds on to
  private static double heapAfterGcMiB() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
  }

  private static List<Double> concat(List<Double> a, List<Double> b) {
    List<Double> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
