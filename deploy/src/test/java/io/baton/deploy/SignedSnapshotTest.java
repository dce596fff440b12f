package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.AgentConfig;
import io.baton.agent.EdgeAgentVerticle;
import io.baton.agent.runtime.embedded.EmbeddedRuntime;
import io.baton.agent.runtime.embedded.EmbeddedRuntimeProvider;
import io.baton.broker.BrokerConfig;
import io.baton.broker.saga.HandoffAbortedException;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.cluster.ClusterMember;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A target restores a snapshot only if its manifest is signed by the site that should send it.
 * Site-a here runs with another member's certificate (a member of the mesh, so every TLS handshake
 * passes): its snapshot is refused at site-b, the handoff aborts, and the service keeps serving at
 * site-a with nothing live at site-b. A handoff between two honest sites on the same mesh
 * completes. Real mesh on 127.0.83.x.
 */
class SignedSnapshotTest {
  private static LocalMesh mesh;
  private static Vertx impostorMember;
  private static LiveInstanceMonitor monitor;

  @BeforeAll
  static void start() throws Exception {
    mesh = MeshFixture.start(83, new BrokerConfig(3.0, 320, 0.5, 3_000).withTechnique("cold"));
    AgentConfig siteA = mesh.site("site-a").orElseThrow().config();
    MeshFixture.await(mesh.stopSite("site-a"));
    MemberCredentials other = mesh.credentials().member("site-x", siteA.host());
    impostorMember = MeshFixture.await(ClusterMember.start(siteA.host(), mesh.layout().hazelcastPort(), mesh.layout().members(), other));
    AgentConfig impostor = new AgentConfig(siteA.siteId(), siteA.host(), siteA.coapPort(), siteA.transferPort(), siteA.mqtt())
        .withCredentials(other);
    MeshFixture.await(impostorMember.deployVerticle(new EdgeAgentVerticle(impostor, EmbeddedRuntimeProvider.over(new EmbeddedRuntime(impostorMember, "site-a")))));
    monitor = new LiveInstanceMonitor(mesh);
  }

  @AfterAll
  static void stop() throws Exception {
    if (impostorMember != null) {
      MeshFixture.await(impostorMember.close());
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void aSnapshotSignedByAnotherMemberThanTheSourceIsNotRestored() throws Exception {
    try (BatonClient client = BatonClient.builder().clientId("van-1").credentials(MeshFixture.client(mesh, "van-1")).service("counter")
        .site("coaps://127.0.83.2:5683").build()) {
      client.attachBlocking();
      assertEquals(1, client.callBlocking(new JsonObject().put("op", "increment")).result().getLong("value"));
      CompletableFuture<HandoffCompleted> handoff = mesh.broker().handOff("van-1", "site-b", "test")
          .toCompletionStage().toCompletableFuture();
      Throwable outcome = handoff.handle((done, error) -> error).get();
      HandoffAborted aborted = assertInstanceOf(HandoffAbortedException.class, outcome).event();
      // gRPC carries the refusal as a status without its text; the target logs the reason
      assertEquals("transfer", aborted.failedStep(), aborted.toString());
      assertTrue(aborted.compensation().contains("serves again"), aborted.compensation());

      CallResult after = client.callBlocking(new JsonObject().put("op", "increment"));
      assertEquals("site-a", after.site(), "the service keeps serving at the source");
      assertEquals(2, after.result().getLong("value"), "with its state");
      assertFalse(monitor.liveSites("van-1/counter").contains("site-b"), "nothing was restored at the target");
    }
  }

  @Test
  void aSnapshotSignedByItsSourceIsRestored() throws Exception {
    try (BatonClient client = BatonClient.builder().clientId("van-2").credentials(MeshFixture.client(mesh, "van-2")).service("counter")
        .site("coaps://127.0.83.3:5683").build()) {
      client.attachBlocking();
      client.callBlocking(new JsonObject().put("op", "increment"));
      MeshFixture.await(mesh.broker().handOff("van-2", "site-c", "test").toCompletionStage().toCompletableFuture());
      CallResult after = client.callBlocking(new JsonObject().put("op", "increment"));
      assertEquals("site-c", after.site());
      assertEquals(2, after.result().getLong("value"));
    }
  }
}
