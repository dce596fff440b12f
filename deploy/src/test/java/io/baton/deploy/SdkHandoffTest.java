package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.MqttSettings;
import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.client.HandoffListener;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.demo.Drive;
import io.baton.deploy.demo.DriveReport;
import io.baton.deploy.demo.RadioModel;
import io.baton.deploy.demo.Road;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.wire.Assignment;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK over CoAP and over MQTT 3.1.1 (each site's embedded broker): a client drives past three
 * sites calling its counter 50 times a second. Two handoffs each, every call answered exactly once,
 * and the perceived interruption of each handoff reported to the app. Then a restarted app gets its
 * service back from the assignment it saved, with its bootstrap site gone.
 */
class SdkHandoffTest {
  private static final int MQTT_PORT = 18833;
  private static LocalMesh mesh;
  private static List<HandoffCompleted> completed;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshFixture.start(63, BrokerConfig.defaults(), MqttSettings.embedded(MQTT_PORT));
    completed = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_COMPLETED);
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void coapAndMqttClientsCrossThreeSitesWithNothingLostOrTwice() throws Exception {
    Road road = new Road(List.of("site-a", "site-b", "site-c"), 200, 20);
    try (BatonClient coap = BatonClient.builder().clientId("van-coap").credentials(MeshFixture.client(mesh, "van-coap")).service("counter").site(endpoint("site-a")).build();
        BatonClient mqtt = BatonClient.builder().clientId("van-mqtt").credentials(MeshFixture.client(mesh, "van-mqtt")).service("counter").mqtt("site-a", broker("site-a")).build()) {
      List<HandoffListener.End> coapHandoffs = handoffs(coap);
      List<HandoffListener.End> mqttHandoffs = handoffs(mqtt);
      coap.attachBlocking();
      assertEquals("site-a", mqtt.attachBlocking().site());
      assertEquals(broker("site-a"), mqtt.assignment().mqttEndpoint());

      CompletableFuture<DriveReport> coapRun = drive(coap, road, 1).start();
      CompletableFuture<DriveReport> mqttRun = drive(mqtt, road, 2).start();
      DriveReport coapDrive = MeshFixture.await(coapRun);
      DriveReport mqttDrive = MeshFixture.await(mqttRun);
      // A client is redirected once the target has committed, before the saga releases the source
      // and reports the handoff complete: the drive can end before the last HandoffCompleted.
      awaitRoutes(List.of(coap.clientId(), mqtt.clientId()), 2);

      for (var run : List.of(new Object[] {coap, coapDrive, coapHandoffs}, new Object[] {mqtt, mqttDrive, mqttHandoffs})) {
        BatonClient client = (BatonClient) run[0];
        DriveReport drive = (DriveReport) run[1];
        @SuppressWarnings("unchecked")
        List<HandoffListener.End> ends = (List<HandoffListener.End>) run[2];
        String id = client.clientId();
        assertEquals(List.of("site-a->site-b", "site-b->site-c"), MeshFixture.route(completed, id), id);
        assertEquals(List.of(), drive.failures(), id);
        assertEquals(0, drive.lost(), id);
        assertTrue(drive.sent() > 400, id + " called 50 times a second: " + drive.sent());
        List<Long> values = drive.answered().stream().map(r -> r.result().getLong("value")).sorted().toList();
        assertEquals(LongStream.rangeClosed(1, drive.sent()).boxed().toList(), values, id + ": each call executed once");
        assertEquals(drive.sent(), client.callBlocking(new JsonObject().put("op", "get")).result().getLong("value"), id);
        assertEquals(Set.of("site-a", "site-b", "site-c"), drive.answered().stream().map(CallResult::site).collect(Collectors.toSet()), id);
        assertEquals("site-c", client.assignment().site(), id);
        assertEquals(3, client.assignment().epoch(), id);

        // The app heard each handoff end, from where to where, with how long it went without service.
        awaitSize(ends, 2);
        assertEquals(List.of("site-a->site-b", "site-b->site-c"), ends.stream().map(e -> e.fromSite() + "->" + e.toSite()).toList(), id);
        assertTrue(ends.stream().allMatch(e -> e.moved() && !e.interruption().isNegative()), ends.toString());
        ends.forEach(e -> System.out.printf("%s: handoff %s -> %s, perceived interruption %.1f ms, %d held attempts%n",
            id, e.fromSite(), e.toSite(), e.interruption().toNanos() / 1e6, e.heldCalls()));
      }
      // Over MQTT the client moved to each new site's own broker.
      assertEquals(broker("site-c"), mqtt.assignment().mqttEndpoint());
    }
  }

  @Test
  void aRestartedAppGetsItsServiceBackFromItsLastKnownAssignment() throws Exception {
    // The bootstrap sites named below do not exist: only the saved assignment can lead the app back.
    String deadBroker = "ssl://127.0.63.9:" + MQTT_PORT;
    String deadCoap = "coap://127.0.63.9:5683";
    Assignment savedMqtt = runFirstLife(BatonClient.builder().clientId("tram-mqtt").credentials(MeshFixture.client(mesh, "tram-mqtt")).service("counter").mqtt("site-a", broker("site-a")));
    Assignment savedCoap = runFirstLife(BatonClient.builder().clientId("tram-coap").credentials(MeshFixture.client(mesh, "tram-coap")).service("counter").site(endpoint("site-a")));

    try (BatonClient again = BatonClient.builder().clientId("tram-mqtt").credentials(MeshFixture.client(mesh, "tram-mqtt")).service("counter").mqtt("site-a", deadBroker)
        .lastKnown(savedMqtt).build()) {
      assertEquals("site-b", again.attachBlocking().site());
      assertEquals(4, again.callBlocking(new JsonObject().put("op", "increment")).result().getLong("value"), "the same instance, state kept");
    }
    try (BatonClient again = BatonClient.builder().clientId("tram-coap").credentials(MeshFixture.client(mesh, "tram-coap")).service("counter").site(deadCoap)
        .lastKnown(savedCoap).build()) {
      assertEquals("site-b", again.attachBlocking().site());
      assertEquals(4, again.callBlocking(new JsonObject().put("op", "increment")).result().getLong("value"));
    }
  }

  /** Attaches, counts to 3, is handed off to site-b, and returns the assignment the app would save. */
  private static Assignment runFirstLife(BatonClient.Builder builder) throws Exception {
    try (BatonClient client = builder.build()) {
      client.attachBlocking();
      for (int i = 0; i < 3; i++) {
        client.callBlocking(new JsonObject().put("op", "increment"));
      }
      CompletableFuture<Assignment> redirected = new CompletableFuture<>();
      client.onRedirect(redirected::complete);
      MeshFixture.await(mesh.broker().handOff(client.clientId(), "site-b", "test"));
      assertEquals("site-b", redirected.get(10, TimeUnit.SECONDS).site());
      return client.assignment();
    }
  }

  private static void awaitRoutes(List<String> clientIds, int handoffs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline
        && !clientIds.stream().allMatch(id -> MeshFixture.route(completed, id).size() >= handoffs)) {
      Thread.sleep(20);
    }
  }

  private static Drive drive(BatonClient client, Road road, long seed) {
    return new Drive(client, road, RadioModel.smallCell(0, seed), 40, 10, 50, seq -> new JsonObject().put("op", "increment"));
  }

  /** The handoff ends the app hears; each must follow a start from the same site. */
  private static List<HandoffListener.End> handoffs(BatonClient client) {
    List<HandoffListener.End> ends = Collections.synchronizedList(new ArrayList<>());
    List<HandoffListener.Start> starts = Collections.synchronizedList(new ArrayList<>());
    client.onHandoff(new HandoffListener() {
      @Override
      public void onHandoffStart(Start start) {
        starts.add(start);
      }

      @Override
      public void onHandoffEnd(End end) {
        HandoffListener.Start start = starts.isEmpty() ? null : starts.get(starts.size() - 1);
        if (start != null && start.fromSite().equals(end.fromSite()) && start.fromEpoch() == end.epoch() - 1) {
          ends.add(end);
        }
      }
    });
    return ends;
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    for (int i = 0; i < 100 && list.size() < size; i++) {
      Thread.sleep(50);
    }
  }

  private static String endpoint(String site) {
    return mesh.site(site).orElseThrow().config().coapEndpoint();
  }

  private static String broker(String site) {
    return mesh.site(site).orElseThrow().config().mqttEndpoint();
  }
}
