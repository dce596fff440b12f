package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.MqttSettings;
import com.github.dockerjava.api.model.Container;
import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.agent.runtime.container.EngineDeadlines;
import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.client.TelemetryReporter;
import io.baton.cluster.ClusterMember;
import io.baton.deploy.mesh.DockerSites;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.BatonEvent;
import io.baton.protocol.event.ClientRedirected;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.Prestaged;
import io.baton.protocol.event.StatePrecopied;
import io.baton.protocol.event.StateTransferred;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.baton.deploy.ContainerEngines.batonContainers;
import static io.baton.deploy.ContainerEngines.memwork;
import static io.baton.deploy.ContainerEngines.removeBatonContainers;
import static io.baton.deploy.ContainerEngines.running;

/**
 * The broker's saga moving a container: a real Hazelcast cluster on loopback (broker and two
 * agents with the docker runtime on the site-a and site-b engines that .ci/run starts), a real SDK
 * client attached at site-a calling the memory workload one call after another, and RSSI telemetry
 * that makes the broker's A3 trigger fire for site-b. Each call's answer carries the workload's
 * request counter and its state checksum (kept while writing, and recomputed over every byte), so
 * the answers show state intact and every call executed exactly once.
 */
class DockerSagaTest {
  private static final Pattern ANSWER = Pattern.compile("counter=(\\d+) steps=(\\d+) sum=(\\w+) full=(\\w+)");
  private static final Pattern NETKV_COUNTER = Pattern.compile("\\{\"counter\":(\\d+)}");
  private static final String ENGINE_A = ContainerEngines.engine("a");
  private static final String ENGINE_B = ContainerEngines.engine("b");
  /** A stuck CRIU call gives up after 8 s; a real 16 MB checkpoint takes about one. */
  private static final EngineDeadlines STUCK_CRIU_DEADLINES = EngineDeadlines.DEFAULTS.withCriu(Duration.ofSeconds(8));
  private static final List<String> WORKLOAD_IMAGES = List.of("baton/busybox:1", "baton/memwork:1");

  private final DockerEngine engineA = ContainerEngines.open(ENGINE_A);
  private final DockerEngine engineB = ContainerEngines.open(ENGINE_B);
  private LocalMesh mesh;

  @BeforeEach
  void cleanEngines() {
    removeBatonContainers(engineA);
    removeBatonContainers(engineB);
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    removeBatonContainers(engineA);
    removeBatonContainers(engineB);
  }

  @Test
  void theTriggerMovesTheContainerAndTheClientFollowsOverCoap() throws Exception {
    mesh = start(70, "pre-copy", MqttSettings.off(), 0);
    List<HandoffCompleted> completed = events(Addresses.HANDOFF_COMPLETED);
    List<ClientRedirected> redirects = events(Addresses.CLIENT_REDIRECTED);
    try (BatonClient client = coapClient("car-coap", 16)) {
      Calls calls = runThroughHandoff(client, () -> completed.size() == 1, null);
      assertMovedToSiteB(client, calls, completed, redirects);
    }
  }

  @Test
  void theClientFollowsOverMqttToo() throws Exception {
    mesh = start(71, "cold", MqttSettings.embedded(18871), 0);
    List<HandoffCompleted> completed = events(Addresses.HANDOFF_COMPLETED);
    List<ClientRedirected> redirects = events(Addresses.CLIENT_REDIRECTED);
    try (BatonClient client = BatonClient.builder().clientId("car-mqtt").credentials(MeshFixture.client(mesh, "car-mqtt")).service("container").serviceOptions(memwork(16))
        .mqtt("site-a", "ssl://127.0.71.2:18871").build()) {
      Calls calls = runThroughHandoff(client, () -> completed.size() == 1, null);
      assertMovedToSiteB(client, calls, completed, redirects);
      assertEquals("ssl://127.0.71.3:18871", client.assignment().mqttEndpoint());
    }
  }

  @Test
  void aContainerPreStagedAheadCrossesOnlyItsChangesAfterTheFreeze() throws Exception {
    mesh = start(73, "cold", MqttSettings.off(), 0);
    List<HandoffCompleted> completed = events(Addresses.HANDOFF_COMPLETED);
    List<ClientRedirected> redirects = events(Addresses.CLIENT_REDIRECTED);
    List<Prestaged> prestaged = events(Addresses.PRESTAGED);
    List<StatePrecopied> precopied = events(Addresses.STATE_PRECOPIED);
    List<StateTransferred> transferred = events(Addresses.STATE_TRANSFERRED);
    try (BatonClient client = coapClient("car-pre", 16)) {
      // What the predictor's planner publishes when it expects the client at site-b.
      Calls calls = runThroughHandoff(client, sofar -> {
        mesh.brokerVertx().eventBus().publish(Addresses.PRESTAGE_REQUESTED, new PrestageRequested("p-1", "car-pre/container",
            "site-a", "site-b", List.of(PrestageRequested.MEMORY_PAGES), System.currentTimeMillis() + 60_000));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (prestaged.isEmpty()) {
          assertTrue(System.nanoTime() < deadline, "not pre-staged within 60 s");
          sofar.add(client.callBlocking(new JsonObject()));
        }
      }, () -> completed.size() == 1, null);

      assertMovedToSiteB(client, calls, completed, redirects);
      assertTrue(completed.get(0).prestaged(), completed.get(0).toString());
      assertEquals("prestaged-earlier", precopied.get(0).stopReason(), "nothing more to send ahead");
      long ahead = prestaged.get(0).bytes();
      long afterFreeze = transferred.get(0).bytesSent();
      assertTrue(ahead > 16 << 20, "the 16 MB state crossed ahead: " + ahead);
      assertTrue(afterFreeze < ahead / 4, "after the freeze only the changes crossed: " + afterFreeze + " of " + ahead);
    }
  }

  @Test
  void aTargetThatCannotRestoreLeavesTheServiceAtTheSourceAndTheClientStays() throws Exception {
    // Site b gives a container at most 8 MB: the 32 MB workload's restore there fails.
    mesh = start(72, "cold", MqttSettings.off(), 8);
    List<HandoffAborted> aborted = events(Addresses.HANDOFF_ABORTED);
    List<HandoffRequested> requested = events(Addresses.HANDOFF_REQUESTED);
    List<ClientRedirected> redirects = events(Addresses.CLIENT_REDIRECTED);
    try (BatonClient client = coapClient("car-small", 32)) {
      // While site b stays stronger the trigger fires again after each abort: back near site a,
      // the calls go on until every handoff the broker started has ended.
      Calls calls = runThroughHandoff(client, () -> !aborted.isEmpty(),
          () -> aborted.size() == requested.size() && batonContainers(engineB).isEmpty());

      assertEquals("transfer", aborted.get(0).failedStep(), aborted.get(0).toString());
      assertTrue(aborted.get(0).compensation().contains("serves again"), aborted.get(0).toString());
      assertEquals(List.of(), redirects, "no redirect without a serving target");
      assertEquals("site-a", client.assignment().site());
      assertEquals(1, client.assignment().epoch());
      calls.assertEveryCallOnceWithStateIntact();
      assertTrue(calls.sites().stream().allMatch("site-a"::equals), "only site-a answered: " + calls.sites());
      assertEquals(1, running(engineA), "the container runs at site-a");
      assertEquals(0, batonContainers(engineB).size(), "nothing is left at site-b");
    }
  }

  /**
   * Every CRIU call of site-a's engine hangs from the moment the client heads for site-b: the
   * freeze gives up at the engine's checkpoint deadline, the handoff aborts with that reason, and
   * the container runs on at site-a, thawed, answering every call once.
   */
  @Test
  void aCheckpointThatHangsAbortsAtItsDeadlineAndTheSourceServesOn() throws Exception {
    try (StuckCriuEngine stuck = StuckCriuEngine.start(engineA, WORKLOAD_IMAGES)) {
      mesh = start(74, "cold", MqttSettings.off(), 0, StuckCriuEngine.host(), ENGINE_B, STUCK_CRIU_DEADLINES);
      List<HandoffAborted> aborted = events(Addresses.HANDOFF_ABORTED);
      List<HandoffRequested> requested = events(Addresses.HANDOFF_REQUESTED);
      List<ClientRedirected> redirects = events(Addresses.CLIENT_REDIRECTED);
      Map<String, Long> requestedAt = arrivals(Addresses.HANDOFF_REQUESTED, HandoffRequested::handoffId);
      Map<String, Long> abortedAt = arrivals(Addresses.HANDOFF_ABORTED, HandoffAborted::handoffId);
      try (BatonClient client = coapClient("car-stuck-dump", 16)) {
        Calls calls = runThroughHandoff(client, sofar -> stuck.hang(true), () -> !aborted.isEmpty(),
            () -> aborted.size() == requested.size());

        HandoffAborted first = aborted.get(0);
        assertEquals("freeze", first.failedStep(), first.toString());
        assertTrue(first.reason().contains("checkpoint of container") && first.reason().contains("did not finish within 8 s"),
            first.reason());
        assertAbortedWithinTheDeadline(first, requestedAt, abortedAt);
        assertEquals(List.of(), redirects, "no redirect without a serving target");
        assertEquals("site-a", client.assignment().site());
        calls.assertEveryCallOnceWithStateIntact();
        assertTrue(calls.sites().stream().allMatch("site-a"::equals), "only site-a answered: " + calls.sites());
        Container source = batonContainers(stuck.engine()).get(0);
        assertEquals(1, running(stuck.engine()), "the container runs at site-a");
        assertFalse(stuck.engine().frozen(source.getId()), "the container is not left frozen");
        assertEquals(0, batonContainers(engineB).size(), "nothing is left at site-b");
        assertEquals(0, StuckCriuEngine.runcStillWorking(), "no runc is left checkpointing");
      }
    }
  }

  /**
   * The target's CRIU hangs: its restore gives up at the deadline, the half-made container is
   * removed there, and the source restarts from its final checkpoint and serves on.
   */
  @Test
  void aRestoreThatHangsAtTheTargetLeavesNothingThereAndTheSourceServesAgain() throws Exception {
    try (StuckCriuEngine stuck = StuckCriuEngine.start(engineA, WORKLOAD_IMAGES)) {
      mesh = start(75, "cold", MqttSettings.off(), 0, ENGINE_A, StuckCriuEngine.host(), STUCK_CRIU_DEADLINES);
      List<HandoffAborted> aborted = events(Addresses.HANDOFF_ABORTED);
      List<HandoffRequested> requested = events(Addresses.HANDOFF_REQUESTED);
      List<ClientRedirected> redirects = events(Addresses.CLIENT_REDIRECTED);
      Map<String, Long> requestedAt = arrivals(Addresses.HANDOFF_REQUESTED, HandoffRequested::handoffId);
      Map<String, Long> abortedAt = arrivals(Addresses.HANDOFF_ABORTED, HandoffAborted::handoffId);
      try (BatonClient client = coapClient("car-stuck-restore", 16)) {
        Calls calls = runThroughHandoff(client, sofar -> stuck.hang(true), () -> !aborted.isEmpty(),
            () -> aborted.size() == requested.size() && batonContainers(stuck.engine()).isEmpty());

        HandoffAborted first = aborted.get(0);
        assertEquals("transfer", first.failedStep(), first.toString());
        assertTrue(first.reason().contains("restore of container") && first.reason().contains("did not finish within 8 s"),
            first.reason());
        assertTrue(first.compensation().contains("serves again"), first.toString());
        assertAbortedWithinTheDeadline(first, requestedAt, abortedAt);
        assertEquals(List.of(), redirects, "no redirect without a serving target");
        assertEquals("site-a", client.assignment().site());
        calls.assertEveryCallOnceWithStateIntact();
        assertTrue(calls.sites().stream().allMatch("site-a"::equals), "only site-a answered: " + calls.sites());
        assertEquals(1, running(engineA), "the container runs at site-a");
        assertEquals(0, batonContainers(stuck.engine()).size(), "the half-made container is gone from site-b");
        assertEquals(0, StuckCriuEngine.runcStillWorking(), "no runc is left restoring");
      }
    }
  }

  /**
   * The deadline bounds the abort: the stuck step gives up after 8 s, and what follows (ending runc,
   * the saga's compensation) takes seconds, not the saga's own 300 s transfer timeout.
   */
  private static void assertAbortedWithinTheDeadline(HandoffAborted aborted, Map<String, Long> requestedAt,
      Map<String, Long> abortedAt) {
    long millis = (abortedAt.get(aborted.handoffId()) - requestedAt.get(aborted.handoffId())) / 1_000_000;
    System.out.printf("handoff %s: requested to aborted in %d ms (CRIU deadline %d ms)%n", aborted.handoffId(), millis,
        STUCK_CRIU_DEADLINES.checkpoint().toMillis());
    assertTrue(millis < STUCK_CRIU_DEADLINES.checkpoint().toMillis() + 30_000, "aborted after " + millis + " ms");
  }

  /** When each event published on {@code address} from now on arrived, by handoff id. */
  private <T extends BatonEvent> Map<String, Long> arrivals(String address, java.util.function.Function<T, String> handoffId)
      throws Exception {
    Map<String, Long> at = new java.util.concurrent.ConcurrentHashMap<>();
    mesh.brokerVertx().eventBus().<T>consumer(address, message -> at.putIfAbsent(handoffId.apply(message.body()), System.nanoTime()))
        .completion().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    return at;
  }

  /**
   * A networked service: netkv listens on its own port in its container and the agent forwards
   * each call to it over HTTP. The client calls at 20 calls/s, without waiting for answers, across
   * the RSSI-triggered handoff: calls held during the freeze are replayed at site-b, and each is
   * executed exactly once (the server's counter over all answers is 1..N, no gap, no repeat, and
   * ends at N). Prints the handoff time, the downtime and what the client saw.
   */
  @Test
  void aNetworkedServiceAnswersEveryCallOnceAtTwentyCallsASecondAcrossTheHandoff() throws Exception {
    mesh = start(79, "pre-copy", MqttSettings.off(), 0);
    List<HandoffCompleted> completed = events(Addresses.HANDOFF_COMPLETED);
    List<ClientRedirected> redirects = events(Addresses.CLIENT_REDIRECTED);
    String clientId = "car-net";
    try (BatonClient client = BatonClient.builder().clientId(clientId).credentials(MeshFixture.client(mesh, clientId))
        .service("container").serviceOptions(netkv()).site(mesh.site("site-a").orElseThrow().config().coapEndpoint())
        .build()) {
      client.attachBlocking();
      AtomicBoolean nearB = new AtomicBoolean();
      List<CompletableFuture<CallResult>> calls = Collections.synchronizedList(new ArrayList<>());
      List<Long> answeredAt = Collections.synchronizedList(new ArrayList<>());
      ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
      long requestedAt;
      long endedAt;
      try (TelemetryReporter reporter = client.startReporting(Duration.ofMillis(100), () -> new TelemetryReport(
          client.clientId(), System.currentTimeMillis(), 0, 0, 10, 90,
          nearB.get() ? Map.of("site-a", -95.0, "site-b", -55.0) : Map.of("site-a", -55.0, "site-b", -95.0)))) {
        pace.scheduleAtFixedRate(() -> calls.add(client.call(new JsonObject())
            .whenComplete((answer, failure) -> answeredAt.add(System.nanoTime()))), 0, 50, TimeUnit.MILLISECONDS);
        Thread.sleep(3_000);
        requestedAt = System.nanoTime();
        nearB.set(true);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (completed.isEmpty()) {
          assertTrue(System.nanoTime() < deadline, "the handoff did not end within 120 s");
          Thread.sleep(20);
        }
        endedAt = System.nanoTime();
        Thread.sleep(3_000);
      } finally {
        pace.shutdownNow();
        pace.awaitTermination(5, TimeUnit.SECONDS);
      }

      List<CompletableFuture<CallResult>> made;
      synchronized (calls) {
        made = List.copyOf(calls);
      }
      List<CallResult> answers = new ArrayList<>();
      int lost = 0;
      for (CompletableFuture<CallResult> call : made) {
        try {
          answers.add(call.get(60, TimeUnit.SECONDS));
        } catch (Exception failed) {
          lost++;
          System.out.println("call lost: " + failed);
        }
      }
      // Every execution the server counted, by counter value: each exactly once, none unanswered.
      Map<Long, Integer> executions = new TreeMap<>();
      int outOfOrder = 0;
      long previous = 0;
      for (CallResult answer : answers) {
        assertEquals(200, answer.result().getInteger("status"), answer.result().encode());
        long counter = netkvCounter(answer);
        executions.merge(counter, 1, Integer::sum);
        outOfOrder += counter < previous ? 1 : 0;
        previous = Math.max(previous, counter);
      }
      long duplicated = executions.values().stream().filter(n -> n > 1).count();
      long serverCount = netkvCounter(client.callBlocking(new JsonObject().put("method", "GET").put("path", "/counter")));
      long held = answers.stream().filter(answer -> answer.attempts() > 1).count();
      long maxLatency = answers.stream().mapToLong(CallResult::latencyNanos).max().orElse(0);
      List<Long> times = answeredAt.stream().sorted().toList();
      long longestGap = 0;
      for (int i = 1; i < times.size(); i++) {
        longestGap = Math.max(longestGap, times.get(i) - times.get(i - 1));
      }
      HandoffCompleted handoff = completed.get(0);
      System.out.printf("networked service, 20 calls/s across the handoff: %d calls, %d answered, %d lost, %d duplicated, "
          + "%d answered out of call order, %d held and replayed; broker: handoff time %.1f ms, downtime %.1f ms; "
          + "client: RSSI flip to handoff completed %.1f ms, longest gap between answers %.1f ms, slowest call %.1f ms%n",
          made.size(), answers.size(), lost, duplicated, outOfOrder, held, handoff.handoffMillis(), handoff.downtimeMillis(),
          (endedAt - requestedAt) / 1e6, longestGap / 1e6, maxLatency / 1e6);

      assertEquals(0, lost, "every call was answered");
      assertEquals(0, duplicated, "no call executed twice: " + executions);
      assertEquals(new java.util.ArrayList<>(java.util.stream.LongStream.rangeClosed(1, answers.size()).boxed().toList()),
          new ArrayList<>(executions.keySet()), "the counters are 1..N, no gap");
      assertEquals(answers.size(), serverCount, "the server executed exactly the answered calls");
      assertTrue(answers.size() > 100, "calls made: " + answers.size());
      assertTrue(held > 0, "some calls were held through the freeze and replayed");
      assertEquals(List.of("site-a->site-b"), MeshFixture.route(completed, clientId));
      assertEquals(1, redirects.size(), redirects.toString());
      assertEquals("site-b", client.assignment().site());
      assertEquals(2, client.assignment().epoch());
      List<String> sites = answers.stream().map(CallResult::site).toList();
      int firstAtB = sites.indexOf("site-b");
      assertTrue(firstAtB > 0, "answered at site-a, then at site-b: " + sites);
      assertTrue(sites.subList(firstAtB, sites.size()).stream().allMatch("site-b"::equals), "never back at site-a: " + sites);
      assertEquals(0, batonContainers(engineA).size(), "the source's container is gone");
      assertEquals(1, running(engineB), "the container runs only at site-b");
    }
  }

  private static long netkvCounter(CallResult answer) {
    Matcher matcher = NETKV_COUNTER.matcher(answer.result().getString("answer", ""));
    assertTrue(matcher.matches(), answer.result().encode());
    return Long.parseLong(matcher.group(1));
  }

  /** netkv (deploy/workloads/netkv): an HTTP counter and key-value server on port 8080; an empty call counts one request. */
  private static JsonObject netkv() {
    return new JsonObject().put("image", "baton/netkv:1").put("cpus", 0.5).put("memoryMb", 32).put("port", 8080)
        .put("query", new JsonArray(List.of("/usr/bin/netkv", "health")));
  }

  private void assertMovedToSiteB(BatonClient client, Calls calls, List<HandoffCompleted> completed,
      List<ClientRedirected> redirects) {
    assertEquals(List.of("site-a->site-b"), MeshFixture.route(completed, client.clientId()));
    assertEquals(1, redirects.size(), redirects.toString());
    assertEquals("site-b", client.assignment().site());
    assertEquals(2, client.assignment().epoch());
    calls.assertEveryCallOnceWithStateIntact();
    List<String> sites = calls.sites();
    int firstAtB = sites.indexOf("site-b");
    assertTrue(firstAtB > 0, "answered at site-a, then at site-b: " + sites);
    assertTrue(sites.subList(firstAtB, sites.size()).stream().allMatch("site-b"::equals), "never back at site-a: " + sites);
    assertEquals(0, batonContainers(engineA).size(), "the source's container is gone");
    assertEquals(1, running(engineB), "the container runs only at site-b");
  }

  /**
   * Calls while reporting site-a strong, then site-b strong until {@code ended} (the handoff's
   * outcome); with {@code settledNearA}, site-a strong again until it holds; then a few more
   * calls. Returns every answer in order.
   */
  private Calls runThroughHandoff(BatonClient client, BooleanSupplier ended, BooleanSupplier settledNearA) throws Exception {
    return runThroughHandoff(client, calls -> { }, ended, settledNearA);
  }

  /** As above, with {@code beforeMove} run after the first calls, before the client heads for site-b. */
  private Calls runThroughHandoff(BatonClient client, BeforeMove beforeMove, BooleanSupplier ended,
      BooleanSupplier settledNearA) throws Exception {
    client.attachBlocking();
    AtomicBoolean nearB = new AtomicBoolean();
    Calls calls = new Calls();
    try (TelemetryReporter reporter = client.startReporting(Duration.ofMillis(100), () -> new TelemetryReport(
        client.clientId(), System.currentTimeMillis(), 0, 0, 10, 90,
        nearB.get() ? Map.of("site-a", -95.0, "site-b", -55.0) : Map.of("site-a", -55.0, "site-b", -95.0)))) {
      for (int i = 0; i < 5; i++) {
        calls.add(client.callBlocking(new JsonObject()));
      }
      beforeMove.run(calls);
      nearB.set(true);
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      callUntil(client, calls, ended, deadline);
      if (settledNearA != null) {
        nearB.set(false);
        callUntil(client, calls, settledNearA, deadline);
      }
      for (int i = 0; i < 5; i++) {
        calls.add(client.callBlocking(new JsonObject()));
      }
    }
    return calls;
  }

  /** Something a test does while the client still calls near site-a, calling on meanwhile through {@code calls}. */
  private interface BeforeMove {
    void run(Calls calls) throws Exception;
  }

  private static void callUntil(BatonClient client, Calls calls, BooleanSupplier done, long deadlineNanos) throws Exception {
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadlineNanos, "the handoff did not end within 120 s");
      calls.add(client.callBlocking(new JsonObject()));
      Thread.sleep(20);
    }
  }

  /** The answers, in the order the calls were made. */
  private static final class Calls {
    private final List<CallResult> answers = Collections.synchronizedList(new ArrayList<>());

    void add(CallResult result) {
      answers.add(result);
    }

    List<String> sites() {
      return answers.stream().map(CallResult::site).toList();
    }

    /** The workload counts the requests it executed: 1, 2, 3, ... means none lost, none twice. */
    void assertEveryCallOnceWithStateIntact() {
      AtomicInteger expected = new AtomicInteger();
      for (CallResult answer : answers) {
        Matcher matcher = ANSWER.matcher(answer.result().getString("answer"));
        assertTrue(matcher.find(), answer.result().encode());
        assertEquals(expected.incrementAndGet(), Long.parseLong(matcher.group(1)), "request counter of " + answer);
        assertEquals(matcher.group(3), matcher.group(4), "state checksum of " + answer);
      }
      assertTrue(answers.size() > 10, "calls made: " + answers.size());
    }
  }

  private static LocalMesh start(int subnet, String technique, MqttSettings mqtt, long capAtSiteB) {
    return start(subnet, technique, mqtt, capAtSiteB, ENGINE_A, ENGINE_B, EngineDeadlines.DEFAULTS);
  }

  private static LocalMesh start(int subnet, String technique, MqttSettings mqtt, long capAtSiteB, String engineOfA,
      String engineOfB, EngineDeadlines deadlines) {
    String prefix = "127.0." + subnet + ".";
    MeshLayout layout = new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3), ClusterMember.DEFAULT_PORT, 5683, 7443, mqtt);
    return LocalMesh.start(layout, BrokerConfig.defaults().withTechnique(technique),
        DockerSites.runtimes(site -> site.equals("site-a") ? engineOfA : engineOfB, site -> site.equals("site-b") ? capAtSiteB : 0,
            deadlines));
  }

  /** A client of the memory workload with {@code mb} MB of state, attaching at site-a over CoAP. */
  private BatonClient coapClient(String clientId, int mb) {
    return BatonClient.builder().clientId(clientId).credentials(MeshFixture.client(mesh, clientId)).service("container").serviceOptions(memwork(mb))
        .site(mesh.site("site-a").orElseThrow().config().coapEndpoint()).build();
  }

  /** Every event published on {@code address} from now on, as the broker's member sees them. */
  private <T extends BatonEvent> List<T> events(String address) throws Exception {
    return MeshFixture.collect(mesh.brokerVertx(), address);
  }
}
