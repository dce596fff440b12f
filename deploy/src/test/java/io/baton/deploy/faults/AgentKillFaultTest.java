package io.baton.deploy.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.broker.saga.HandoffAbortedException;
import io.baton.client.BatonClient;
import io.baton.deploy.mesh.BatonProcess;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshCredentials;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.protocol.Addresses;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.LinkProfile;
import io.baton.protocol.directory.LinkTable;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.SourceReleased;
import io.baton.protocol.wire.Assignment;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of a site's own machine, during a handoff under client load: its agent is killed
 * (SIGKILL: no shutdown hook, it does not leave the cluster, it vanishes) or it has no room for
 * the state. The killed agents and the small one run as {@code baton agent} in JVMs of their own;
 * the broker, site-a and site-b run in this JVM.
 *
 * <p>The rules asserted:
 * <ul>
 *   <li>target killed mid-transfer: the handoff aborts, the source serves again under the same epoch;
 *   <li>source killed after the final state reached the target (TRANSFER answered): the handoff
 *       completes at the target without the source's release; the client, whose site vanished,
 *       attaches again and finds its service there;
 *   <li>target without room for the state: it refuses the offer, the handoff aborts during the
 *       pre-copy, before any freeze, and the service never stops serving at the source.
 * </ul>
 * Each time: exactly one site answers LIVE, every call is answered exactly once (versions 1..n)
 * and the memory's checksum is what the calls wrote.
 */
class AgentKillFaultTest {
  private static final String PREFIX = "127.0.90.";
  private static final List<String> SITES = List.of("site-a", "site-b", "site-t", "site-s", "site-f", "site-r");
  private static final Map<String, BatonProcess> processes = new ConcurrentHashMap<>();
  private static LocalMesh mesh;
  private static List<HandoffCompleted> completed;
  private static List<SourceReleased> released;

  @BeforeAll
  static void start() throws Exception {
    MeshLayout layout = new MeshLayout(PREFIX + 1, List.of(PREFIX + 2, PREFIX + 3), 5701, 5683, 7443);
    List<String> members = new ArrayList<>(layout.members());
    List.of(10, 11, 12, 13).forEach(host -> members.add(PREFIX + host + ":5701"));
    mesh = LocalMesh.start(layout, new BrokerConfig(3.0, 320, 0.5, 1_500), members, MeshCredentials.temporary());
    completed = collect(Addresses.HANDOFF_COMPLETED);
    released = collect(Addresses.SOURCE_RELEASED);
    List<Thread> starting = new ArrayList<>();
    List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
    for (String[] agent : List.of(new String[] {"site-t", "10", "512"}, new String[] {"site-s", "11", "512"},
        new String[] {"site-f", "12", "1"}, new String[] {"site-r", "13", "512"})) {
      mesh.credentials().member(agent[0], PREFIX + agent[1]);
      Thread thread = new Thread(() -> {
        try {
          processes.put(agent[0], BatonProcess.start("agent " + agent[0] + " serving", "agent", "--site", agent[0],
              "--host", PREFIX + agent[1], "--members", String.join(",", members), "--mqtt", "OFF",
              "--chunk-store-mb", agent[2], "--credentials", mesh.credentials().dir().toString()));
        } catch (Exception e) {
          failures.add(e);
        }
      });
      thread.start();
      starting.add(thread);
    }
    for (Thread thread : starting) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (BatonProcess process : processes.values()) {
      process.close();
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void targetKilledMidTransferLeavesTheServiceAtTheSource() throws Exception {
    // A 16 Mbit/s link: the 2 MB state takes about a second to cross, and the target dies 300 ms in.
    await(new LinkTable(mesh.brokerVertx()).set("site-a", "site-t", LinkProfile.ofMbps(16, 2)));
    try (Interception kill = onFirst("site-a", AgentCommand.TRANSFER.address("site-a"),
            () -> new Thread(() -> sleepThenKill(300, "site-t")).start());
        SteadyLoad load = SteadyLoad.start(SteadyLoad.client(mesh, "kill-target", endpoint("site-a")).build())) {
      load.awaitSent(20);
      Throwable failure = handOff("kill-target", "site-t", "cold");
      load.awaitSent(load.sent() + 30);
      SteadyLoad.Outcome outcome = load.stop();

      assertTrue(kill.fired().get(), "the target was killed during the transfer");
      HandoffAborted abort = assertInstanceOf(HandoffAbortedException.class, failure).event();
      assertEquals("transfer", abort.failedStep(), abort.toString());
      assertTrue(abort.compensation().contains("site-a serves again under epoch 1"), abort.compensation());
      outcome.assertEveryCallAnsweredOnce();
      assertEquals(Set.of("site-a"), Set.copyOf(outcome.sites()), "only the source ever answered");
      outcome.assertStateIntact(load.client());
      assertServing("kill-target", "site-a", 1);
    }
  }

  @Test
  void sourceKilledOnceTheStateReachedTheTargetCompletesThere() throws Exception {
    Assignment atS;
    try (BatonClient first = SteadyLoad.client(mesh, "kill-source", endpoint("site-s")).build()) {
      atS = first.attachBlocking();
    }
    assertEquals("site-s", atS.site());
    // The final state is at site-a (TRANSFER was answered) when the RESTORE command arrives there: the source dies then.
    // The client's bootstrap site is site-a: where it attaches again once its own site stops answering.
    try (Interception kill = onFirst("site-a", AgentCommand.RESTORE.address("site-a"), () -> kill("site-s"));
        SteadyLoad load = SteadyLoad.start(SteadyLoad.client(mesh, "kill-source", endpoint("site-a")).lastKnown(atS).build())) {
      load.awaitSent(20);
      Throwable failure = handOff("kill-source", "site-a", "cold");
      load.awaitSent(load.sent() + 40);
      SteadyLoad.Outcome outcome = load.stop();

      assertTrue(kill.fired().get(), "the source was killed after the transfer");
      assertEquals(null, failure, "the handoff completed");
      HandoffCompleted done = completed.stream().filter(h -> h.clientId().equals("kill-source")).findFirst().orElseThrow();
      assertEquals("site-a", done.targetSite());
      assertTrue(released.stream().noneMatch(r -> r.handoffId().equals(done.handoffId())), "nobody released the dead source");
      outcome.assertEveryCallAnsweredOnce();
      List<String> sites = outcome.sites();
      assertEquals("site-a", sites.get(sites.size() - 1), "the client found its service at the target");
      assertEquals("site-a", load.client().assignment().site());
      outcome.assertStateIntact(load.client());
      assertServing("kill-source", "site-a", 2);
    }
  }

  @Test
  void sourceKilledBeforeTheStateCrossedLosesTheServiceLoudly() throws Exception {
    Assignment atR;
    try (BatonClient first = SteadyLoad.client(mesh, "lost", endpoint("site-r")).build()) {
      atR = first.attachBlocking();
    }
    await(new LinkTable(mesh.brokerVertx()).set("site-r", "site-a", LinkProfile.ofMbps(16, 2)));
    // The broker's TRANSFER command leaving for site-r arms the kill: an outbound interceptor, site-r runs elsewhere.
    AtomicBoolean fired = new AtomicBoolean();
    Handler<DeliveryContext<Object>> killer = delivery -> {
      if (delivery.message().address().equals(AgentCommand.TRANSFER.address("site-r")) && fired.compareAndSet(false, true)) {
        new Thread(() -> sleepThenKill(300, "site-r")).start();
      }
      delivery.next();
    };
    mesh.brokerVertx().eventBus().addOutboundInterceptor(killer);
    try (SteadyLoad load = SteadyLoad.start(SteadyLoad.client(mesh, "lost", endpoint("site-a")).lastKnown(atR)
        .maxHold(java.time.Duration.ofSeconds(5)).build())) {
      load.awaitSent(20);
      Throwable failure = handOff("lost", "site-a", "cold");
      load.awaitSent(load.sent() + 30);
      SteadyLoad.Outcome outcome = load.stop();

      assertTrue(fired.get(), "the source was killed during the transfer");
      HandoffAborted abort = assertInstanceOf(HandoffAbortedException.class, failure).event();
      assertEquals("transfer", abort.failedStep(), abort.toString());
      assertTrue(abort.reason().contains("site-r left the cluster"), abort.reason());
      assertTrue(abort.compensation().contains("source site-r could not resume"), abort.compensation());
      outcome.assertAnsweredOnceOrFailedClearly();
      assertTrue(outcome.answered().size() >= 20, "the calls before the freeze were answered: " + outcome.answered().size());
      assertFalse(outcome.failed().isEmpty(), "the calls after it failed, clearly");
      ClientRecord record = await(new ClientDirectory(mesh.brokerVertx()).find("lost")).orElseThrow();
      assertEquals("site-r", record.site(), "the record still names the lost service's last site");
      assertFalse(record.inHandoff());
      assertEquals(SiteQuery.liveOnlyAt("none", SITES, List.of("site-r", "site-t", "site-s").stream()
              .filter(s -> !processes.get(s).isAlive()).toList()),
          SiteQuery.states(mesh.brokerVertx(), record.instanceId(), SITES), "no site runs it: the service is lost");
    } finally {
      mesh.brokerVertx().eventBus().removeOutboundInterceptor(killer);
    }
  }

  @Test
  void targetWithoutRoomRefusesBeforeTheFreeze() throws Exception {
    // site-f keeps at most 1 MB of states in transit; this service's memory is 2 MB.
    try (SteadyLoad load = SteadyLoad.start(SteadyLoad.client(mesh, "no-room", endpoint("site-a")).build())) {
      load.awaitSent(20);
      Throwable failure = handOff("no-room", "site-f", "pre-copy");
      load.awaitSent(load.sent() + 30);
      SteadyLoad.Outcome outcome = load.stop();

      HandoffAborted abort = assertInstanceOf(HandoffAbortedException.class, failure).event();
      assertEquals("pre-copy", abort.failedStep(), abort.toString());
      assertTrue(abort.reason().contains("chunk store full"), abort.reason());
      outcome.assertEveryCallAnsweredOnce();
      assertEquals(Set.of("site-a"), Set.copyOf(outcome.sites()));
      assertTrue(outcome.answered().stream().allMatch(r -> r.attempts() == 1), "the source never froze: no call was held");
      outcome.assertStateIntact(load.client());
      assertServing("no-room", "site-a", 1);
    }
  }

  /** Starts a handoff and waits for its end; returns its failure, or null if it completed. */
  private static Throwable handOff(String clientId, String target, String technique) throws Exception {
    return mesh.broker().handOff(clientId, target, technique, "fault drill").toCompletionStage().toCompletableFuture()
        .handle((done, error) -> error).get(60, TimeUnit.SECONDS);
  }

  /** The record names {@code site} and {@code epoch}, unlocked; asked one by one, only that site runs the service. */
  private static void assertServing(String clientId, String site, long epoch) throws Exception {
    ClientRecord record = await(new ClientDirectory(mesh.brokerVertx()).find(clientId)).orElseThrow();
    assertEquals(site, record.site());
    assertEquals(epoch, record.epoch());
    assertFalse(record.inHandoff(), "the record is unlocked");
    List<String> dead = SITES.stream().filter(s -> processes.containsKey(s) && !processes.get(s).isAlive()).toList();
    assertEquals(SiteQuery.liveOnlyAt(site, SITES, dead), SiteQuery.states(mesh.brokerVertx(), record.instanceId(), SITES),
        "exactly one site runs the service");
  }

  /** An inbound interceptor at one site that runs an action when the first message for an address arrives, then delivers it. */
  private record Interception(Vertx member, Handler<DeliveryContext<Object>> handler, AtomicBoolean fired) implements AutoCloseable {
    @Override
    public void close() {
      member.eventBus().removeInboundInterceptor(handler);
    }
  }

  private static Interception onFirst(String site, String address, Runnable action) {
    Vertx member = mesh.site(site).orElseThrow().vertx();
    AtomicBoolean fired = new AtomicBoolean();
    Handler<DeliveryContext<Object>> handler = delivery -> {
      if (delivery.message().address().equals(address) && fired.compareAndSet(false, true)) {
        action.run();
      }
      delivery.next();
    };
    member.eventBus().addInboundInterceptor(handler);
    return new Interception(member, handler, fired);
  }

  private static void sleepThenKill(long millis, String site) {
    try {
      Thread.sleep(millis);
      kill(site);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void kill(String site) {
    try {
      processes.get(site).kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String endpoint(String site) {
    return "coaps://" + PREFIX + switch (site) {
      case "site-a" -> 2;
      case "site-b" -> 3;
      case "site-t" -> 10;
      case "site-s" -> 11;
      case "site-r" -> 13;
      default -> 12;
    } + ":5683";
  }

  private static <T> List<T> collect(String address) throws Exception {
    List<T> events = Collections.synchronizedList(new ArrayList<>());
    await(mesh.brokerVertx().eventBus().<T>consumer(address, message -> events.add(message.body())).completion());
    return events;
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
