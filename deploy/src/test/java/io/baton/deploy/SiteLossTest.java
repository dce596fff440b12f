package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.event.ClientRedirected;
import io.baton.protocol.wire.Assignment;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CoAP client loses its site: the redirect of a handoff never reaches it, then the site it talks
 * to goes down. Its calls go unanswered; after a few it attaches again (its last known site is gone,
 * so at its bootstrap site), learns where its service runs now, and every call is answered once.
 */
class SiteLossTest {
  private static LocalMesh mesh;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshFixture.start(66, BrokerConfig.defaults());
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void aClientWhoseSiteDisappearedReattachesAndGetsItsServiceBack() throws Exception {
    Assignment atA;
    try (BatonClient first = BatonClient.builder().clientId("drone-4").credentials(MeshFixture.client(mesh, "drone-4")).service("counter").site(endpoint("site-a")).build()) {
      atA = first.attachBlocking();
    }
    // The redirect of the coming handoff is lost on its way to every agent's clients.
    mesh.sites().forEach(site -> site.vertx().eventBus().addInboundInterceptor((DeliveryContext<Object> delivery) -> {
      if (!(delivery.message().body() instanceof ClientRedirected redirected && redirected.clientId().equals("drone-4"))) {
        delivery.next();
      }
    }));
    try (BatonClient client = BatonClient.builder().clientId("drone-4").credentials(MeshFixture.client(mesh, "drone-4")).service("counter").site(endpoint("site-b"))
        .lastKnown(atA).build()) {
      assertEquals("site-a", client.attachBlocking().site());
      List<CompletableFuture<CallResult>> calls = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        calls.add(client.call(new JsonObject().put("op", "increment")));
        if (i == 20) {
          MeshFixture.await(mesh.broker().handOff("drone-4", "site-c", "test"));
        }
        if (i == 40) {
          MeshFixture.await(mesh.stopSite("site-a"));
        }
        Thread.sleep(20);
      }
      List<Long> values = new ArrayList<>();
      for (CompletableFuture<CallResult> call : calls) {
        values.add(MeshFixture.await(call).result().getLong("value"));
      }
      values.sort(Long::compare);
      assertEquals(LongStream.rangeClosed(1, 120).boxed().toList(), values, "every call answered exactly once");
      assertEquals("site-c", client.assignment().site(), "the client attached again and learned where its service went");
      assertEquals(2, client.assignment().epoch());
      assertEquals("site-c", client.callBlocking(new JsonObject().put("op", "get")).site());
    }
  }

  private static String endpoint(String site) {
    return mesh.site(site).orElseThrow().config().coapEndpoint();
  }
}
