package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.Addresses;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.event.TelemetryReported;
import java.util.List;
import io.vertx.core.json.JsonObject;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Telemetry posted to an agent over plain CoAP: every malformed report gets a 4.00 or 4.04 with a
 * reason a developer can act on, and nothing of it reaches the clustered bus.
 */
class TelemetryValidationTest {
  private static final String GOOD = "{\"clientId\":\"phone-1\",\"timestamp\":1700000000000,\"position\":{\"x\":10,\"y\":20},"
      + "\"speed\":1.5,\"heading\":180,\"rssi\":{\"site-a\":-70.5,\"site-b\":-90}}";

  private static LocalMesh mesh;
  private static List<TelemetryReported> published;
  private static CoapEndpoint endpoint;
  private static BatonClient attached;

  @BeforeAll
  static void startMesh() throws Exception {
    CoapConfig.register();
    UdpConfig.register();
    mesh = MeshFixture.start(3, BrokerConfig.defaults());
    // Listen where the broker listens: on another member than the agent that publishes.
    published = MeshFixture.collect(mesh.brokerVertx(), Addresses.TELEMETRY_REPORTED);
    endpoint = new SecureCoap(MeshFixture.gateway(mesh, "tester")).endpoint();
    attached = BatonClient.builder().clientId("phone-1").credentials(MeshFixture.client(mesh, "phone-1")).service("kv").site(siteA()).build();
    attached.attachBlocking();
  }

  @AfterAll
  static void stopMesh() {
    if (attached != null) {
      attached.close();
    }
    if (endpoint != null) {
      endpoint.destroy();
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty payload        | ''                                                  | 4.00 | empty payload",
      "malformed JSON       | '{\"clientId\":\"phone-1\",\"rssi\":'              | 4.00 | malformed JSON",
      "NaN RSSI (literal)   | GOOD:\"site-a\":-70.5>\"site-a\":NaN               | 4.00 | malformed JSON",
      "NaN RSSI (string)    | GOOD:\"site-a\":-70.5>\"site-a\":\"NaN\"           | 4.00 | not a finite number",
      "RSSI above 0 dBm     | GOOD:\"site-a\":-70.5>\"site-a\":15                | 4.00 | out of range",
      "RSSI below -150 dBm  | GOOD:\"site-a\":-70.5>\"site-a\":-300              | 4.00 | out of range",
      "missing position     | GOOD:\"position\":{\"x\":10,\"y\":20},>            | 4.00 | missing field 'position'",
      "unknown client       | GOOD:phone-1>phone-404                             | 4.04 | unknown client 'phone-404'",
      "unknown site         | GOOD:site-b>site-z                                 | 4.04 | unknown site 'site-z'",
  })
  void badTelemetryIsRefusedWithAReasonAndNotPublished(String name, String payload, String code, String reason) throws Exception {
    CoapResponse response = post(CoapPaths.TELEMETRY, MeshFixture.expand(GOOD, payload));
    assertEquals(code, response.getCode().text, response.getResponseText());
    assertTrue(response.getResponseText().contains(reason), response.getResponseText());
    assertEquals(MediaTypeRegistry.TEXT_PLAIN, response.getOptions().getContentFormat());
    assertNothingPublishedFor(name);
  }

  @Test
  void goodTelemetryIsPublishedWithTheServingSite() throws Exception {
    CoapResponse response = post(CoapPaths.TELEMETRY, GOOD);
    assertEquals(ResponseCode.CHANGED, response.getCode(), response.getResponseText());
    TelemetryReported event = MeshFixture.awaitPublished(published, 1).get(0);
    assertEquals("phone-1", event.clientId());
    assertEquals("site-a", event.servingSite());
    assertEquals("site-a", event.reportingSite());
    assertEquals(-70.5, event.rssiDbm().get("site-a"));
    synchronized (published) {
      published.clear();
    }
  }

  @Test
  void badServiceCallsAreRefusedToo() throws Exception {
    // A call is a client's own: each is sent as that client (DTLS identity) with its service token.
    var nobody = MeshFixture.client(mesh, "nobody", false);
    var phone = MeshFixture.client(mesh, "phone-1", false);
    try (SecureCoap asNobody = new SecureCoap(nobody); SecureCoap asPhone = new SecureCoap(phone)) {
      CoapResponse unknownClient = asNobody.post(siteA() + "/" + CoapPaths.SERVICE + "/nobody",
          new JsonObject().put("requestId", "nobody:1").put("op", "get").put("key", "a").put("token", nobody.secrets().serviceToken()).encode());
      assertEquals("4.04", unknownClient.getCode().text);
      assertTrue(unknownClient.getResponseText().contains("unknown client 'nobody'"), unknownClient.getResponseText());
      CoapResponse badOp = asPhone.post(siteA() + "/" + CoapPaths.SERVICE + "/phone-1",
          new JsonObject().put("requestId", "phone-1:x1").put("op", "fly").put("token", phone.secrets().serviceToken()).encode());
      assertEquals("4.00", badOp.getCode().text);
      assertTrue(badOp.getResponseText().contains("unknown op 'fly'"), badOp.getResponseText());
      CoapResponse noId = asPhone.post(siteA() + "/" + CoapPaths.SERVICE + "/phone-1",
          new JsonObject().put("op", "get").put("key", "a").put("token", phone.secrets().serviceToken()).encode());
      assertEquals("4.00", noId.getCode().text);
    }
    CoapResponse badAttach = post(CoapPaths.ATTACH, "{\"clientId\":\"phone-2\",\"service\":\"teleport\"}");
    assertEquals("4.04", badAttach.getCode().text);
    assertTrue(badAttach.getResponseText().contains("unknown service 'teleport'"), badAttach.getResponseText());
  }

  /** A good report sent after the bad one is the only thing that arrives: the bad one was never published. */
  private static void assertNothingPublishedFor(String name) throws Exception {
    assertEquals(ResponseCode.CHANGED, post(CoapPaths.TELEMETRY, GOOD).getCode());
    List<TelemetryReported> seen = MeshFixture.awaitPublished(published, 1);
    assertEquals(1, seen.size(), name + " was published");
    synchronized (published) {
      published.clear();
    }
  }

  private static CoapResponse post(String path, String payload) throws Exception {
    CoapClient client = new CoapClient(siteA() + "/" + path);
    client.setEndpoint(endpoint);
    client.setTimeout(5_000L);
    CoapResponse response = client.post(payload, MediaTypeRegistry.APPLICATION_JSON);
    if (response == null) {
      throw new AssertionError("no response to POST /" + path);
    }
    return response;
  }

  private static String siteA() {
    return mesh.site("site-a").orElseThrow().config().coapEndpoint();
  }
}
