package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.EdgeAgentVerticle;
import io.baton.agent.MqttSettings;
import io.baton.agent.clients.TelemetryAdmission;
import io.baton.agent.clients.TelemetryAdmission.Transport;
import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.BatonGateway;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.Addresses;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's telemetry intake on a real secured mesh (Hazelcast on loopback, CoAP over DTLS, MQTT
 * over TLS through the embedded broker). Overload: site-a's admission bound is taken up whole, as a
 * backlog would take it, and then a CoAP report is answered 5.03 with Max-Age and an MQTT report is
 * dropped and counted, nothing of either is published, while a call and an attach made meanwhile
 * succeed; once the bound frees, reports are accepted again. Freshness of the agent's local view of
 * the client directory: a client attached a moment ago is accepted at once, and a handoff's swap of
 * the record reaches the view through the directory's entry listener.
 */
class TelemetryOverloadTest {
  private static final int MQTT_PORT = 18867;
  private static LocalMesh mesh;
  private static List<TelemetryReported> published;
  private static SecureCoap gateway;
  private int occupied;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshFixture.start(67, BrokerConfig.defaults(), MqttSettings.embedded(MQTT_PORT));
    published = MeshFixture.collect(mesh.brokerVertx(), Addresses.TELEMETRY_REPORTED);
    gateway = new SecureCoap(MeshFixture.gateway(mesh, "overload-gw"));
  }

  @AfterAll
  static void stopMesh() {
    if (gateway != null) {
      gateway.close();
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  @AfterEach
  void freeTheBoundIfTaken() {
    freeTheBound();
  }

  @Test
  void overCoapAShedReportIsAnswered503WithMaxAgeWhileCallsAndAttachesGoOn() throws Exception {
    try (BatonClient phone = coapClient("phone-1")) {
      phone.attachBlocking();
      long shedBefore = admission().counts(Transport.COAP).shed();
      occupyTheBound();

      CoapResponse shed = gateway.post(siteA() + "/" + CoapPaths.TELEMETRY, report("phone-1", 111).toJson().encode());
      assertEquals(ResponseCode.SERVICE_UNAVAILABLE, shed.getCode(), shed.getResponseText());
      assertTrue(shed.getOptions().hasMaxAge(), "a shed report says when to come back");
      assertEquals(TelemetryAdmission.RETRY_AFTER_SECONDS, shed.getOptions().getMaxAge());
      assertEquals(shedBefore + 1, admission().counts(Transport.COAP).shed());

      assertEquals(1, phone.callBlocking(new JsonObject().put("op", "increment")).result().getLong("value"),
          "a call is never shed");
      try (BatonClient late = coapClient("phone-2")) {
        assertEquals("site-a", late.attachBlocking().site(), "an attach is never shed");
      }

      freeTheBound();
      CoapResponse accepted = gateway.post(siteA() + "/" + CoapPaths.TELEMETRY, report("phone-1", 222).toJson().encode());
      assertEquals(ResponseCode.CHANGED, accepted.getCode(), accepted.getResponseText());
      awaitReport("phone-1", 222);
      assertTrue(reportsOf("phone-1").stream().noneMatch(r -> r.timestampMs() == 111), "the shed report was published");
    }
  }

  @Test
  void overMqttAShedReportIsDroppedAndCountedWhileCallsGoOn() throws Exception {
    try (BatonClient car = BatonClient.builder().clientId("mqtt-car").service("counter")
        .mqtt("site-a", site().config().mqttEndpoint()).credentials(MeshFixture.client(mesh, "mqtt-car", false)).build()) {
      car.attachBlocking();
      long shedBefore = admission().counts(Transport.MQTT).shed();
      occupyTheBound();

      car.reportBlocking(report("mqtt-car", 333));
      await(() -> admission().counts(Transport.MQTT).shed() == shedBefore + 1, "the MQTT report counted as shed");
      assertEquals(1, car.callBlocking(new JsonObject().put("op", "increment")).result().getLong("value"),
          "a call is never shed");

      freeTheBound();
      car.reportBlocking(report("mqtt-car", 444));
      awaitReport("mqtt-car", 444);
      assertTrue(reportsOf("mqtt-car").stream().noneMatch(r -> r.timestampMs() == 333), "the dropped report was published");
    }
  }

  @Test
  void aClientAttachedAMomentAgoIsAcceptedAtOnce() throws Exception {
    try (BatonGateway attacher = BatonGateway.builder().gatewayId("attach-gw").credentials(MeshFixture.gateway(mesh, "attach-gw"))
        .site(siteA()).timeout(Duration.ofSeconds(10)).build()) {
      for (int i = 0; i < 5; i++) {
        String device = "fresh-" + i;
        MeshFixture.await(attacher.attach(device, "counter"));
        CoapResponse response = gateway.post(siteA() + "/" + CoapPaths.TELEMETRY, report(device, 500 + i).toJson().encode());
        assertEquals(ResponseCode.CHANGED, response.getCode(), device + ": " + response.getResponseText());
        assertEquals("site-a", awaitReport(device, 500 + i).servingSite());
      }
    }
  }

  @Test
  void aHandoffsSwapReachesTheLocalViewThroughTheEntryListener() throws Exception {
    try (BatonClient mover = coapClient("mover-1")) {
      mover.attachBlocking();
      gateway.post(siteA() + "/" + CoapPaths.TELEMETRY, report("mover-1", 600).toJson().encode());
      assertEquals("site-a", awaitReport("mover-1", 600).servingSite());
      EdgeAgentVerticle agent = site().agent();
      assertEquals("site-a", agent.clientView().known("mover-1").map(ClientRecord::site).orElseThrow());
      long announcedBefore = agent.clientView().announcements();

      MeshFixture.await(mesh.broker().handOff("mover-1", "site-b", "test"));

      // The swaps (locked, then moved) arrive as announcements, not as reads of the map.
      await(() -> agent.clientView().known("mover-1").map(r -> r.site().equals("site-b") && !r.inHandoff()).orElse(false),
          "the view shows the client served at site-b");
      assertTrue(agent.clientView().announcements() >= announcedBefore + 2, "the view learnt the swaps from the feed");
      gateway.post(siteA() + "/" + CoapPaths.TELEMETRY, report("mover-1", 601).toJson().encode());
      TelemetryReported after = awaitReport("mover-1", 601);
      assertEquals("site-b", after.servingSite());
      assertEquals("site-a", after.reportingSite());
    }
  }

  /** Takes up the whole bound, as a backlog of reports still being handled would. */
  private void occupyTheBound() {
    int limit = admission().limit();
    assertTrue(admission().tryAdmit(Transport.COAP, limit), "the bound was free");
    occupied = limit;
  }

  private void freeTheBound() {
    admission().release(occupied);
    occupied = 0;
  }

  private static TelemetryAdmission admission() {
    return site().agent().telemetryAdmission();
  }

  private static LocalMesh.Site site() {
    return mesh.site("site-a").orElseThrow();
  }

  private static String siteA() {
    return site().config().coapEndpoint();
  }

  private static BatonClient coapClient(String id) {
    return BatonClient.builder().clientId(id).service("counter").site(siteA()).credentials(MeshFixture.client(mesh, id)).build();
  }

  /** A report told apart from others by its timestamp. */
  private static TelemetryReport report(String clientId, long timestamp) {
    return new TelemetryReport(clientId, timestamp, 10, 20, 1.5, 180, Map.of("site-a", -60.0, "site-b", -90.0));
  }

  private static List<TelemetryReported> reportsOf(String clientId) {
    synchronized (published) {
      return published.stream().filter(r -> r.clientId().equals(clientId)).toList();
    }
  }

  private static TelemetryReported awaitReport(String clientId, long timestamp) throws InterruptedException {
    await(() -> reportsOf(clientId).stream().anyMatch(r -> r.timestampMs() == timestamp), clientId + "'s report " + timestamp);
    Optional<TelemetryReported> found = reportsOf(clientId).stream().filter(r -> r.timestampMs() == timestamp).findFirst();
    return found.orElseThrow();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(20);
    }
  }
}
