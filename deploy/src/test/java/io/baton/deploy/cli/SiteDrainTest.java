package io.baton.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshCredentials;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.ops.RunningMember;
import io.baton.protocol.Addresses;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.event.HandoffCompleted;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Graceful shutdown on a secured mesh on 127.0.161.x: a broker and site-a, site-b in this JVM's
 * mesh, and site-c started by `baton agent` (what its shutdown hook runs on SIGTERM is the
 * {@link RunningMember#stop()} called here). A client calls its counter through the SDK without
 * pause while site-c stops: site-c hands it to another site through the broker's saga first, every
 * call is answered exactly once, and site-c leaves the cluster.
 */
class SiteDrainTest {
  private static final String PREFIX = "127.0.161.";
  private static final int CLUSTER_PORT = 19121;
  private static final int COAP_PORT = 19122;
  private static final int TRANSFER_PORT = 19123;
  private static final String DRAINED_HOST = PREFIX + "4";

  @TempDir
  static Path dir;
  private static LocalMesh mesh;
  private static MeshCredentials credentials;
  private static List<HandoffCompleted> completed;

  @BeforeAll
  static void startMesh() throws Exception {
    MeshLayout layout = new MeshLayout(PREFIX + "1", List.of(PREFIX + "2", PREFIX + "3"), CLUSTER_PORT, COAP_PORT, TRANSFER_PORT);
    credentials = MeshCredentials.in(dir);
    List<String> members = new ArrayList<>(layout.members());
    members.add(DRAINED_HOST + ":" + CLUSTER_PORT);
    mesh = LocalMesh.start(layout, BrokerConfig.defaults(), members, credentials);
    completed = Collections.synchronizedList(new ArrayList<>());
    mesh.brokerVertx().eventBus().<HandoffCompleted>consumer(Addresses.HANDOFF_COMPLETED, m -> completed.add(m.body()))
        .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void aStoppingAgentHandsItsClientToAnotherSiteLosingNoCallThenLeaves() throws Exception {
    RunningMember siteC = startSiteC("30");
    try (BatonClient client = BatonClient.builder().clientId("bus-7").credentials(credentials.client("bus-7"))
        .service("counter").site("coaps://" + DRAINED_HOST + ":" + COAP_PORT).build()) {
      assertEquals("site-c", client.attachBlocking().site());

      List<CallResult> answered = Collections.synchronizedList(new ArrayList<>());
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean drained = new AtomicBoolean();
      CompletableFuture<Void> calling = CompletableFuture.runAsync(() -> {
        int afterDrain = 0;
        while (afterDrain < 20 && failures.isEmpty()) {
          boolean wasDrained = drained.get();
          try {
            answered.add(client.callBlocking(new JsonObject().put("op", "increment")));
          } catch (RuntimeException e) {
            failures.add(e);
          }
          if (wasDrained) {
            afterDrain++;
          }
        }
      });
      while (answered.size() < 20 && !calling.isDone()) {
        Thread.sleep(10);
      }
      siteC.stop().get(60, TimeUnit.SECONDS);
      drained.set(true);
      calling.get(60, TimeUnit.SECONDS);

      System.out.printf("drain: %d calls answered, %d at site-c, then at %s%n", answered.size(),
          answered.stream().filter(r -> r.site().equals("site-c")).count(), client.assignment().site());
      assertEquals(List.of(), failures);
      List<Long> values = answered.stream().map(r -> r.result().getLong("value")).sorted().toList();
      assertEquals(LongStream.rangeClosed(1, values.size()).boxed().toList(), values, "each call executed exactly once");
      assertTrue(answered.stream().anyMatch(r -> r.site().equals("site-c")), "called at site-c before it stopped");
      String now = client.assignment().site();
      assertTrue(Set.of("site-a", "site-b").contains(now), "moved to another site: " + now);
      assertEquals(now, answered.get(answered.size() - 1).site(), "and calls it there");
      // The saga publishes its completion as it ends; the broker member's consumer may see it a moment after.
      for (int i = 0; i < 100 && !handedOffFromSiteC("bus-7"); i++) {
        Thread.sleep(50);
      }
      assertTrue(handedOffFromSiteC("bus-7"), "through the broker's saga");
      assertEquals(now, join(new ClientDirectory(mesh.brokerVertx()).find("bus-7")).orElseThrow().site());
    } finally {
      siteC.close();
    }
    assertFalse(join(new SiteDirectory(mesh.brokerVertx()).all()).containsKey("site-c"), "site-c left the directory");
    assertEquals(3, ((VertxInternal) mesh.brokerVertx()).clusterManager().getNodes().size(), "and the cluster: broker, site-a, site-b");
  }

  @Test
  void clientsNotMovedByTheDeadlineStayAssigned() throws Exception {
    RunningMember siteC = startSiteC("0");
    try (BatonClient client = BatonClient.builder().clientId("bus-8").credentials(credentials.client("bus-8"))
        .service("counter").site("coaps://" + DRAINED_HOST + ":" + COAP_PORT).build()) {
      assertEquals("site-c", client.attachBlocking().site());
      siteC.stop().get(60, TimeUnit.SECONDS);
      assertEquals("site-c", join(new ClientDirectory(mesh.brokerVertx()).find("bus-8")).orElseThrow().site(),
          "no time to move it: its record still names site-c");
    } finally {
      siteC.close();
    }
  }

  @Test
  void noHandoffTargetsASiteThatDrainedUntilItsAgentStartsAgain() throws Exception {
    startSiteC("30").close();
    try (BatonClient client = BatonClient.builder().clientId("bus-9").credentials(credentials.client("bus-9"))
        .service("counter").site("coaps://" + PREFIX + "2:" + COAP_PORT).build()) {
      assertEquals("site-a", client.attachBlocking().site());
      Throwable refused = mesh.broker().handOff("bus-9", "site-c", "test").toCompletionStage().toCompletableFuture()
          .handle((done, failure) -> failure).get(30, TimeUnit.SECONDS);
      assertTrue(refused != null && refused.getMessage().contains("site site-c is draining"), String.valueOf(refused));

      RunningMember again = startSiteC("30");
      try {
        assertEquals("site-c", join(mesh.broker().handOff("bus-9", "site-c", "test")).targetSite(), "started again, it takes clients");
      } finally {
        again.close();
      }
    }
  }

  private static boolean handedOffFromSiteC(String clientId) {
    synchronized (completed) {
      return completed.stream().anyMatch(h -> h.clientId().equals(clientId) && h.sourceSite().equals("site-c"));
    }
  }

  /** site-c as an operator runs it, with {@code drainTimeout} seconds to drain. */
  private static RunningMember startSiteC(String drainTimeout) {
    credentials.member("site-c", DRAINED_HOST);
    String members = String.join(",", PREFIX + "1:" + CLUSTER_PORT, PREFIX + "2:" + CLUSTER_PORT, PREFIX + "3:" + CLUSTER_PORT,
        DRAINED_HOST + ":" + CLUSTER_PORT);
    CommandLine.ParseResult parsed = BatonCli.commandLine(Map.of("BATON_DRAIN_TIMEOUT", drainTimeout)).parseArgs("agent",
        "--site", "site-c", "--host", DRAINED_HOST, "--members", members, "--cluster-port", "" + CLUSTER_PORT,
        "--coap-port", "" + COAP_PORT, "--transfer-port", "" + TRANSFER_PORT, "--mqtt", "OFF", "--health-port", "0",
        "--credentials", dir.toString());
    return ((AgentCommand) parsed.subcommand().commandSpec().userObject()).start();
  }

  private static <T> T join(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
