package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.demo.Drive;
import io.baton.deploy.demo.DriveReport;
import io.baton.deploy.demo.RadioModel;
import io.baton.deploy.demo.Road;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two clients drive past three sites (real Hazelcast members, real CoAP, real gRPC transfers):
 * one uses a key-value service, one a counter. Each must be handed off exactly twice, A to B to
 * C, with its state intact and every call answered exactly once.
 */
class EndToEndHandoffTest {
  private static LocalMesh mesh;
  private static LiveInstanceMonitor monitor;
  private static List<HandoffCompleted> completed;
  private static List<HandoffAborted> aborted;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshFixture.start(1, BrokerConfig.defaults());
    monitor = new LiveInstanceMonitor(mesh);
    completed = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_COMPLETED);
    aborted = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_ABORTED);
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void bothServicesFollowTheirClientsAcrossThreeSitesWithNothingLost() throws Exception {
    Road road = new Road(List.of("site-a", "site-b", "site-c"), 200, 20);
    String siteA = mesh.site("site-a").orElseThrow().config().coapEndpoint();
    try (BatonClient kvClient = client("car-kv", "kv", siteA); BatonClient counterClient = client("car-counter", "counter", siteA)) {
      kvClient.attachBlocking();
      counterClient.attachBlocking();
      assertEquals("site-a", kvClient.assignment().site());

      // Every fifth kv call stores a key; the others increment one counter key. No radio noise: the
      // trigger must fire exactly where the signals cross.
      Drive kvDrive = new Drive(kvClient, road, RadioModel.smallCell(0, 1), 40, 10, 25,
          seq -> seq % 5 == 0
              ? new JsonObject().put("op", "put").put("key", "k" + seq).put("value", Long.toString(seq))
              : new JsonObject().put("op", "incr").put("key", "trip"));
      Drive counterDrive = new Drive(counterClient, road, RadioModel.smallCell(0, 2), 40, 10, 25,
          seq -> new JsonObject().put("op", "increment"));
      CompletableFuture<DriveReport> kvRun = kvDrive.start();
      CompletableFuture<DriveReport> counterRun = counterDrive.start();
      DriveReport kv = MeshFixture.await(kvRun);
      DriveReport counter = MeshFixture.await(counterRun);

      assertEquals(List.of("site-a->site-b", "site-b->site-c"), route("car-kv"));
      assertEquals(List.of("site-a->site-b", "site-b->site-c"), route("car-counter"));
      assertEquals(List.of(), aborted);
      assertEquals("site-c", kvClient.assignment().site(), "the client followed the redirects");
      assertEquals(3, kvClient.assignment().epoch());

      assertEquals(List.of(), kv.failures());
      assertEquals(0, kv.lost());
      assertEquals(List.of(), counter.failures());
      assertEquals(0, counter.lost());
      assertTrue(kv.answered().stream().map(CallResult::site).collect(Collectors.toSet()).containsAll(Set.of("site-a", "site-b", "site-c")),
          "calls were served at every site on the way");

      // Counter: each answered increment returned a distinct value, and the final value is their
      // number: no call executed twice, none lost, nothing reset by a migration.
      List<Long> counterValues = counter.answered().stream().map(r -> r.result().getLong("value")).sorted().toList();
      assertEquals(LongStream.rangeClosed(1, counter.sent()).boxed().toList(), counterValues);
      assertEquals(counter.sent(), counterClient.callBlocking(new JsonObject().put("op", "get")).result().getLong("value"));

      // Key-value: the increments add up, and every stored key is there with its value.
      long increments = LongStream.rangeClosed(1, kv.sent()).filter(seq -> seq % 5 != 0).count();
      assertEquals(Long.toString(increments),
          kvClient.callBlocking(new JsonObject().put("op", "get").put("key", "trip")).result().getString("value"));
      for (long seq = 5; seq <= kv.sent(); seq += 5) {
        assertEquals(Long.toString(seq), kvClient.callBlocking(new JsonObject().put("op", "get").put("key", "k" + seq))
            .result().getString("value"), "key k" + seq);
      }
      assertEquals(kv.sent() / 5 + 1, kvClient.callBlocking(new JsonObject().put("op", "size")).result().getLong("size"));
    }

    assertEquals(List.of(), monitor.doubleLiveMoments(), "never two live instances");
    assertEquals(Set.of("site-c"), monitor.liveSites("car-kv/kv"));
    assertEquals(Set.of("site-c"), monitor.liveSites("car-counter/counter"));
    Set<String> sitesHoldingKv = new HashSet<>();
    monitor.transitions().stream().filter(t -> t.instanceId().equals("car-kv/kv") && t.to() != null)
        .forEach(t -> sitesHoldingKv.add(t.site()));
    assertEquals(Set.of("site-a", "site-b", "site-c"), sitesHoldingKv);
  }

  private static List<String> route(String clientId) {
    synchronized (completed) {
      return completed.stream().filter(h -> h.clientId().equals(clientId))
          .map(h -> h.sourceSite() + "->" + h.targetSite()).toList();
    }
  }

  private static BatonClient client(String id, String service, String site) {
    return BatonClient.builder().clientId(id).credentials(MeshFixture.client(mesh, id)).service(service).site(site).build();
  }
}
