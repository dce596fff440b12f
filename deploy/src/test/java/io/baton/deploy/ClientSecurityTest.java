package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.MqttSettings;
import io.baton.agent.mqtt.MqttAccess;
import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.MqttTopics;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.security.AssignmentMac;
import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.security.ClientSecrets;
import io.baton.protocol.security.TlsContexts;
import io.baton.protocol.wire.Assignment;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nobody gets in, on the client side, against a secured mesh (127.0.85.x; real Scandium DTLS,
 * real Moquette over TLS): PSK and certificate clients work end to end through a handoff; a wrong
 * key, a foreign certificate or no credentials fail the handshake and leave no trace; a client acts
 * only as itself; a call without the right service token runs nothing; a client reads only its
 * own topics; a forged redirect is ignored and the client stays where it is.
 */
class ClientSecurityTest {
  private static final int MQTT_PORT = 18853;
  private static LocalMesh mesh;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshFixture.start(85, BrokerConfig.defaults(), MqttSettings.embedded(MQTT_PORT));
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void pskAndCertificateClientsFollowAHandoffOverDtls() throws Exception {
    assertTrue(endpoint("site-a").startsWith("coaps://"), endpoint("site-a"));
    for (boolean certificate : List.of(false, true)) {
      String id = certificate ? "cert-car" : "psk-car";
      try (BatonClient client = BatonClient.builder().clientId(id).service("counter").site(endpoint("site-a"))
          .credentials(MeshFixture.client(mesh, id, certificate)).build()) {
        assertEquals("site-a", client.attachBlocking().site());
        increment(client, 3);
        Assignment moved = handOff(client, "site-b");
        assertEquals(endpoint("site-b"), moved.coapEndpoint());
        var result = client.callBlocking(new JsonObject().put("op", "increment"));
        assertEquals(4, result.result().getLong("value"), id + ": same instance, state kept");
        assertEquals("site-b", result.site(), id);
        assertEquals(0, client.rejectedAssignments(), id);
      }
    }
  }

  @Test
  void anMqttClientFollowsAHandoffOverTls() throws Exception {
    assertTrue(broker("site-a").startsWith("ssl://"), broker("site-a"));
    try (BatonClient client = BatonClient.builder().clientId("mqtt-car").service("counter").mqtt("site-a", broker("site-a"))
        .credentials(MeshFixture.client(mesh, "mqtt-car", false)).build()) {
      client.attachBlocking();
      increment(client, 2);
      assertEquals(broker("site-b"), handOff(client, "site-b").mqttEndpoint());
      var result = client.callBlocking(new JsonObject().put("op", "increment"));
      assertEquals(3, result.result().getLong("value"));
      assertEquals("site-b", result.site());
    }
  }

  @Test
  void aWrongKeyAForeignCertificateOrNoCredentialsFailTheHandshake() throws Exception {
    ClientCredentials genuine = MeshFixture.client(mesh, "intruder", false);
    ClientSecrets s = genuine.secrets();
    byte[] wrongKey = s.psk().clone();
    wrongKey[0] ^= 1;
    ClientCredentials wrongPsk = new ClientCredentials("intruder", new ClientSecrets(wrongKey, s.serviceToken(), s.mqttPassword(),
        s.redirectKey()), Optional.empty(), Optional.empty(), genuine.clusterCaPem());
    DevCertificateAuthority foreignCa = DevCertificateAuthority.open(Files.createTempDirectory("foreign-ca-"));
    ClientCredentials foreign = foreignCa.issueClient("intruder", true);
    ClientCredentials foreignWithOurTrust = new ClientCredentials("intruder", foreign.secrets(), foreign.certificatePem(),
        foreign.keyPem(), genuine.clusterCaPem());
    String attach = new JsonObject().put("clientId", "intruder").put("service", "counter").encode();
    for (ClientCredentials bad : List.of(wrongPsk, foreignWithOurTrust)) {
      try (SecureCoap coap = new SecureCoap(bad)) {
        CoapResponse answer;
        try {
          answer = coap.post(endpoint("site-a") + "/" + CoapPaths.ATTACH, attach);
        } catch (java.io.IOException alert) {
          // the agent answered the handshake with a fatal alert (e.g. BAD_CERTIFICATE)
          assertTrue(alert.getMessage().contains("HandshakeException"), alert.toString());
          answer = null;
        }
        assertNull(answer, "no answer without a handshake");
      }
    }
    CoapEndpoint plain = new CoapEndpoint.Builder().setConfiguration(Configuration.createStandardWithoutFile()).build();
    try {
      plain.start();
      String plainUri = endpoint("site-a").replace("coaps://", "coap://") + "/" + CoapPaths.ATTACH;
      assertNull(new CoapClient(plainUri).setEndpoint(plain).setTimeout(3_000L).post(attach, MediaTypeRegistry.APPLICATION_JSON));
    } finally {
      plain.destroy();
    }
    // And over MQTT: a wrong password, or no login, is refused at CONNECT.
    assertThrows(MqttException.class, () -> paho("intruder", "not-the-password").close());
    assertThrows(MqttException.class, () -> paho(null, null).close());
    assertEquals(Optional.empty(), MeshFixture.await(new ClientDirectory(mesh.brokerVertx()).find("intruder")), "nothing attached");
  }

  @Test
  void aClientActsOnlyAsItself() throws Exception {
    try (BatonClient victim = BatonClient.builder().clientId("victim-1").service("counter").site(endpoint("site-a"))
        .credentials(MeshFixture.client(mesh, "victim-1", true)).build();
        SecureCoap mallory = new SecureCoap(MeshFixture.client(mesh, "mallory", false))) {
      victim.attachBlocking();
      increment(victim, 1);
      String victimToken = MeshFixture.client(mesh, "victim-1", true).secrets().serviceToken();
      String a = endpoint("site-a");
      // Even with the victim's token, the DTLS identity decides who may act.
      assertEquals("4.03", mallory.post(a + "/" + CoapPaths.SERVICE + "/victim-1",
          new JsonObject().put("requestId", "victim-1:x-1").put("op", "increment").put("token", victimToken).encode()).getCode().text);
      assertEquals("4.03", mallory.get(a + "/" + CoapPaths.HANDOFF + "/victim-1").getCode().text);
      assertEquals("4.03", mallory.post(a + "/" + CoapPaths.ATTACH,
          new JsonObject().put("clientId", "victim-1").put("service", "counter").encode()).getCode().text);
      assertEquals("4.03", mallory.post(a + "/" + CoapPaths.TELEMETRY, new JsonObject().put("clientId", "victim-1")
          .put("timestamp", 1_700_000_000_000L).put("position", new JsonObject().put("x", 0).put("y", 0)).put("speed", 1)
          .put("heading", 0).put("rssi", new JsonObject().put("site-a", -99).put("site-b", -40)).encode()).getCode().text);
      assertEquals(1, victim.callBlocking(new JsonObject().put("op", "get")).result().getLong("value"), "nothing ran for mallory");

      // Over MQTT the broker confines mallory to her own topics: she cannot read the victim's, nor call for it.
      MqttClient paho = paho("mallory", MeshFixture.client(mesh, "mallory", false).secrets().mqttPassword());
      try {
        IMqttToken granted = paho.subscribeWithResponse(MqttTopics.clientFilter("victim-1"), 1);
        assertEquals(0x80, granted.getGrantedQos()[0], "subscription to another client's topics refused");
        publishQuietly(paho, MqttTopics.Inbound.CALL.topic("site-a", "victim-1"),
            new JsonObject().put("requestId", "victim-1:m-1").put("op", "increment").put("token", victimToken).encode());
      } finally {
        closeQuietly(paho);
      }
      Thread.sleep(500);
      assertEquals(1, victim.callBlocking(new JsonObject().put("op", "get")).result().getLong("value"), "nothing ran for mallory");
    }
  }

  @Test
  void aCallWithoutTheRightServiceTokenRunsNothing() throws Exception {
    ClientCredentials own = MeshFixture.client(mesh, "token-1", false);
    String a = endpoint("site-a");
    try (SecureCoap coap = new SecureCoap(own)) {
      assertEquals("2.05", coap.post(a + "/" + CoapPaths.ATTACH,
          new JsonObject().put("clientId", "token-1").put("service", "counter").encode()).getCode().text);
      String uri = a + "/" + CoapPaths.SERVICE + "/token-1";
      JsonObject call = new JsonObject().put("op", "increment");
      CoapResponse missing = coap.post(uri, call.copy().put("requestId", "token-1:t-1").encode());
      assertEquals("4.01", missing.getCode().text, missing.getResponseText());
      CoapResponse wrong = coap.post(uri, call.copy().put("requestId", "token-1:t-2").put("token", "forged").encode());
      assertEquals("4.01", wrong.getCode().text, wrong.getResponseText());
      CoapResponse right = coap.post(uri, call.copy().put("requestId", "token-1:t-3").put("token", own.secrets().serviceToken()).encode());
      assertEquals(1, new JsonObject(right.getResponseText()).getJsonObject("result").getLong("value"), "the refused calls ran nothing");
    }
    // Over MQTT a call without the token is answered on the client's error topic with 4.01.
    MqttClient paho = paho("token-1", own.secrets().mqttPassword());
    try {
      BlockingQueue<JsonObject> errors = new LinkedBlockingQueue<>();
      paho.subscribe(MqttTopics.Outbound.ERROR.topic("token-1"), 1, (topic, message) -> errors.add(new JsonObject(new String(message.getPayload()))));
      paho.publish(MqttTopics.Inbound.CALL.topic("site-a", "token-1"),
          new JsonObject().put("requestId", "token-1:m-1").put("op", "increment").encode().getBytes(), 1, false);
      JsonObject error = errors.poll(10, TimeUnit.SECONDS);
      assertEquals("4.01", error.getString("code"), error.encode());
      assertEquals("token-1:m-1", error.getString("requestId"));
    } finally {
      closeQuietly(paho);
    }
    try (SecureCoap coap = new SecureCoap(own)) {
      CoapResponse right = coap.post(a + "/" + CoapPaths.SERVICE + "/token-1", new JsonObject().put("op", "get")
          .put("requestId", "token-1:t-4").put("token", own.secrets().serviceToken()).encode());
      assertEquals(1, new JsonObject(right.getResponseText()).getJsonObject("result").getLong("value"));
    }
  }

  @Test
  void aForgedRedirectIsIgnoredAndTheClientStays() throws Exception {
    ClientCredentials own = MeshFixture.client(mesh, "fooled-1", true);
    try (BatonClient client = BatonClient.builder().clientId("fooled-1").service("counter").mqtt("site-a", broker("site-a"))
        .credentials(own).build()) {
      Assignment genuine = client.attachBlocking();
      Assignment lure = new Assignment("fooled-1", "counter", "site-c", "coaps://127.0.85.66:5683", "ssl://127.0.85.66:1883", 99);
      byte[] otherKey = MeshFixture.client(mesh, "someone-else", false).secrets().redirectKey();
      // Valid JSON, a MAC that is not base64 of anything right; then a well-formed MAC under another client's key.
      List<JsonObject> forgeries = List.of(lure.toJson().put("mac", "AAAA"), AssignmentMac.sealed(otherKey, lure), lure.toJson());
      // Published as whoever can reach the client's redirect topic: here a member's login (a broker-side attacker).
      MqttClient publisher = memberPaho();
      try {
        for (JsonObject forged : forgeries) {
          publisher.publish(MqttTopics.Outbound.REDIRECT.topic("fooled-1"), forged.encode().getBytes(), 1, false);
        }
      } finally {
        closeQuietly(publisher);
      }
      for (int i = 0; i < 100 && client.rejectedAssignments() < forgeries.size(); i++) {
        Thread.sleep(50);
      }
      assertEquals(forgeries.size(), client.rejectedAssignments());
      assertEquals(genuine, client.assignment(), "the client stayed where it was");
      assertEquals("site-a", client.callBlocking(new JsonObject().put("op", "increment")).site());
      // A genuine redirect, sealed by the mesh, is still followed.
      assertEquals("site-b", handOff(client, "site-b").site());
    }
  }

  private static Assignment handOff(BatonClient client, String target) throws Exception {
    CompletableFuture<Assignment> redirected = new CompletableFuture<>();
    client.onRedirect(redirected::complete);
    MeshFixture.await(mesh.broker().handOff(client.clientId(), target, "test"));
    return redirected.get(10, TimeUnit.SECONDS);
  }

  private static void increment(BatonClient client, int times) {
    for (int i = 0; i < times; i++) {
      client.callBlocking(new JsonObject().put("op", "increment"));
    }
  }

  private static MqttClient paho(String user, String password) throws MqttException {
    MqttClient paho = new MqttClient(broker("site-a"), "test-" + user + "-" + System.nanoTime(), new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setSocketFactory(TlsContexts.trusting(MeshFixture.client(mesh, "any-trust", false).clusterAnchors()).getSocketFactory());
    options.setConnectionTimeout(5);
    if (user != null) {
      options.setUserName(user);
      options.setPassword(password.toCharArray());
    }
    paho.setTimeToWait(10_000);
    paho.connect(options);
    return paho;
  }

  private static MqttClient memberPaho() throws MqttException {
    var member = mesh.site("site-b").orElseThrow().config().credentials().orElseThrow();
    return paho(MqttAccess.memberUser(member.name()), MqttAccess.memberPassword(member, member.name()));
  }

  private static void publishQuietly(MqttClient paho, String topic, String payload) {
    try {
      // QoS 0: a broker drops an unauthorised QoS 1 publish without acknowledging it.
      paho.publish(topic, payload.getBytes(), 0, false);
    } catch (MqttException dropped) {
      // a broker may cut off a client that publishes where it may not: either way nothing runs
    }
  }

  private static void closeQuietly(MqttClient paho) {
    try {
      if (paho.isConnected()) {
        paho.disconnect();
      }
      paho.close();
    } catch (MqttException ignored) {
      // closing anyway
    }
  }

  private static String endpoint(String site) {
    return mesh.site(site).orElseThrow().config().coapEndpoint();
  }

  private static String broker(String site) {
    return mesh.site(site).orElseThrow().config().mqttEndpoint();
  }
}
