package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.BatonException;
import io.baton.client.BatonGateway;
import io.baton.client.CallResult;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.Addresses;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.wire.TelemetryReport;
import io.baton.protocol.wire.WireFormat;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CoAP beyond plain JSON: CBOR telemetry (content format 60), non-confirmable reports, a gateway's
 * all-or-nothing batches, and AR frames and results far larger than one datagram (block-wise
 * transfer both ways). Every refusal is a 4.00/4.04 with a reason, and publishes nothing.
 */
class ClientProtocolsTest {
  private static LocalMesh mesh;
  private static List<TelemetryReported> published;
  private static CoapEndpoint endpoint;
  private static BatonClient phone;

  @BeforeAll
  static void startMesh() throws Exception {
    CoapConfig.register();
    UdpConfig.register();
    mesh = MeshFixture.start(60, BrokerConfig.defaults());
    published = MeshFixture.collect(mesh.brokerVertx(), Addresses.TELEMETRY_REPORTED);
    endpoint = new SecureCoap(MeshFixture.gateway(mesh, "tester")).endpoint();
    phone = BatonClient.builder().clientId("phone-1").credentials(MeshFixture.client(mesh, "phone-1")).service("kv").site(siteA()).build();
    phone.attachBlocking();
  }

  @AfterAll
  static void stopMesh() {
    if (phone != null) {
      phone.close();
    }
    if (endpoint != null) {
      endpoint.destroy();
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  @BeforeEach
  void forgetEarlierEvents() throws InterruptedException {
    Thread.sleep(100);
    published.clear();
  }

  @Test
  void cborTelemetrySentNonConfirmableIsPublished() throws Exception {
    try (BatonClient client = BatonClient.builder().clientId("phone-1").credentials(MeshFixture.client(mesh, "phone-1")).service("kv").site(siteA())
        .telemetryFormat(WireFormat.CBOR).confirmableTelemetry(false).build()) {
      client.attachBlocking();
      client.reportBlocking(report("phone-1", -61.25));
    }
    TelemetryReported event = MeshFixture.awaitPublished(published, 1).get(0);
    assertEquals("phone-1", event.clientId());
    assertEquals(-61.25, event.rssiDbm().get("site-a"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not CBOR at all        | ff00ff          | 4.00 | malformed CBOR",
      "truncated map          | a2626964        | 4.00 | malformed CBOR",
      "a CBOR string          | 6568656c6c6f    | 4.00 | expected a CBOR map or array",
      "NaN RSSI               | NAN             | 4.00 | not a finite number",
      "RSSI above 0 dBm       | HOT             | 4.00 | out of range",
      "unknown client         | STRANGER        | 4.04 | unknown client 'phone-404'",
  })
  void badCborIsRefusedWithAReasonAndNotPublished(String name, String payload, String code, String reason) throws Exception {
    byte[] body = switch (payload) {
      case "NAN" -> cbor(report("phone-1", -60).toJson().put("rssi", Map.of("site-a", Double.NaN)));
      case "HOT" -> cbor(report("phone-1", -60).toJson().put("rssi", Map.of("site-a", 12.0)));
      case "STRANGER" -> cbor(report("phone-404", -60).toJson());
      default -> java.util.HexFormat.of().parseHex(payload);
    };
    CoapResponse response = post(CoapPaths.TELEMETRY, body, MediaTypeRegistry.APPLICATION_CBOR);
    assertEquals(code, response.getCode().text, response.getResponseText());
    assertTrue(response.getResponseText().contains(reason), response.getResponseText());
    assertNothingPublishedFor(name);
  }

  @Test
  void anUnsupportedContentFormatIsRefused() throws Exception {
    CoapResponse response = post(CoapPaths.TELEMETRY, cbor(report("phone-1", -60).toJson()), MediaTypeRegistry.APPLICATION_OCTET_STREAM);
    assertEquals(ResponseCode.BAD_REQUEST, response.getCode());
    assertTrue(response.getResponseText().contains("application/cbor (60)"), response.getResponseText());
    assertNothingPublishedFor("octet-stream");
  }

  @Test
  void aGatewayReportsForManyDevicesInBatchesAllOrNothing() throws Exception {
    try (BatonGateway gateway = BatonGateway.builder().gatewayId("gw-1").credentials(MeshFixture.gateway(mesh, "gw-1")).site(siteA()).telemetryFormat(WireFormat.CBOR)
        .maxBatch(3).build()) {
      for (String device : List.of("meter-1", "meter-2", "meter-3")) {
        MeshFixture.await(gateway.attach(device, "counter"));
      }
      List<CompletableFuture<Void>> sent = List.of(
          gateway.submit(report("meter-1", -70)), gateway.submit(report("meter-2", -71)), gateway.submit(report("meter-3", -72)));
      for (CompletableFuture<Void> one : sent) {
        MeshFixture.await(one);
      }
      assertEquals(List.of("meter-1", "meter-2", "meter-3"), MeshFixture.awaitPublished(published, 3).stream().map(TelemetryReported::clientId).sorted().toList());
      published.clear();

      // One report about a device nobody attached: the whole batch is refused, the good reports too.
      List<CompletableFuture<Void>> mixed = List.of(
          gateway.submit(report("meter-1", -70)), gateway.submit(report("meter-9", -71)), gateway.submit(report("meter-3", -72)));
      CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, () -> mixed.get(2).join());
      BatonException cause = (BatonException) refused.getCause();
      assertEquals("4.04", cause.code());
      assertTrue(cause.getMessage().contains("report[1]: unknown client 'meter-9'"), cause.getMessage());
      assertNothingPublishedFor("a batch with one unknown device");
    }
  }

  @Test
  void arFramesAndResultsLargerThanADatagramCrossBlockWise() throws Exception {
    Random random = new Random(3);
    try (BatonClient ar = BatonClient.builder().clientId("glasses-1").credentials(MeshFixture.client(mesh, "glasses-1")).service("ar").site(siteA()).build()) {
      ar.attachBlocking();
      for (int seq = 1; seq <= 3; seq++) {
        byte[] frame = new byte[48 * 1024];
        random.nextBytes(frame);
        CallResult result = ar.callBlocking(new JsonObject().put("op", "frame").put("seq", seq)
            .put("data", Base64.getEncoder().encodeToString(frame)));
        assertEquals(seq, result.result().getLong("frames"));
        byte[] overlay = Base64.getDecoder().decode(result.result().getString("overlay"));
        assertTrue(overlay.length > 1024, "the result needs several blocks too");
        assertArrayEquals(io.baton.agent.runtime.embedded.ArSessionService.overlay(frame), overlay);
      }
    }
  }

  private static TelemetryReport report(String clientId, double rssiA) {
    Map<String, Double> rssi = new LinkedHashMap<>();
    rssi.put("site-a", rssiA);
    rssi.put("site-b", -90.0);
    return new TelemetryReport(clientId, System.currentTimeMillis(), 10, 20, 1.5, 180, rssi);
  }

  private static byte[] cbor(JsonObject json) {
    return WireFormat.CBOR.encode(json);
  }

  /** A good report sent after the bad one is the only thing that arrives: the bad one was never published. */
  private static void assertNothingPublishedFor(String name) throws Exception {
    assertEquals(ResponseCode.CHANGED, post(CoapPaths.TELEMETRY, cbor(report("phone-1", -60).toJson()),
        MediaTypeRegistry.APPLICATION_CBOR).getCode());
    List<TelemetryReported> seen = MeshFixture.awaitPublished(published, 1);
    assertEquals(1, seen.size(), name + " was published");
    published.clear();
  }

  private static CoapResponse post(String path, byte[] payload, int contentFormat) throws Exception {
    CoapClient client = new CoapClient(siteA() + "/" + path);
    client.setEndpoint(endpoint);
    client.setTimeout(5_000L);
    CoapResponse response = client.post(payload, contentFormat);
    if (response == null) {
      throw new AssertionError("no response to POST /" + path);
    }
    return response;
  }

  private static String siteA() {
    return mesh.site("site-a").orElseThrow().config().coapEndpoint();
  }
}
