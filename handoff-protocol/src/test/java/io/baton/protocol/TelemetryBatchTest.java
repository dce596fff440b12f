package io.baton.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.InvalidPayloadException.Kind;
import io.baton.protocol.wire.TelemetryBatch;
import io.baton.protocol.wire.TelemetryReport;
import io.baton.protocol.wire.WireFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reports and batches in both wire formats, and the MQTT topic scheme's parsing. */
class TelemetryBatchTest {
  private static final JsonObject VALID = new JsonObject(TelemetryReportTest.VALID);

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void aReportAndABatchRoundTripInEitherFormat(WireFormat format) throws Exception {
    TelemetryReport one = TelemetryReport.fromJson(VALID);
    assertEquals(List.of(one), TelemetryBatch.parse(format, format.encode(one.toJson())));
    TelemetryReport other = TelemetryReport.fromJson(VALID.copy().put("clientId", "car-2"));
    assertEquals(List.of(one, other), TelemetryBatch.parse(format, format.encode(TelemetryBatch.toJson(List.of(one, other)))));
  }

  @Test
  void cborIsNotJson() {
    byte[] cbor = WireFormat.CBOR.encode(VALID);
    assertRefused(WireFormat.JSON, cbor, Kind.MALFORMED, "malformed JSON");
    assertRefused(WireFormat.CBOR, TelemetryReportTest.VALID.getBytes(StandardCharsets.UTF_8), Kind.MALFORMED, "CBOR");
  }

  @Test
  void aBatchIsRefusedWholeAndNamesItsCulprit() {
    JsonArray batch = new JsonArray().add(VALID).add(VALID.copy().put("speed", -1)).add(VALID);
    assertRefused(WireFormat.JSON, WireFormat.JSON.encode(batch), Kind.INVALID, "report[1]: 'speed' = -1.0 m/s is out of range");
    assertRefused(WireFormat.JSON, "[]".getBytes(StandardCharsets.UTF_8), Kind.INVALID, "1 to 1000 reports, got 0");
    assertRefused(WireFormat.JSON, "[{},7]".getBytes(StandardCharsets.UTF_8), Kind.INVALID, "report[0]: missing field 'clientId'");
    assertRefused(WireFormat.JSON, "[7]".getBytes(StandardCharsets.UTF_8), Kind.INVALID, "report[0] must be an object, got a number");
    JsonArray tooMany = new JsonArray(Collections.nCopies(TelemetryBatch.MAX_REPORTS + 1, VALID));
    assertRefused(WireFormat.CBOR, WireFormat.CBOR.encode(tooMany), Kind.INVALID, "got 1001");
  }

  @Test
  void onlyJsonAndCborContentFormatsAreAccepted() throws Exception {
    assertEquals(WireFormat.JSON, WireFormat.ofCoapContentFormat(-1));
    assertEquals(WireFormat.JSON, WireFormat.ofCoapContentFormat(50));
    assertEquals(WireFormat.CBOR, WireFormat.ofCoapContentFormat(60));
    InvalidPayloadException refused = assertThrows(InvalidPayloadException.class, () -> WireFormat.ofCoapContentFormat(42));
    assertTrue(refused.reason().contains("unsupported content format 42"), refused.reason());
  }

  @Test
  void topicsParseBackToWhatBuiltThem() {
    String topic = MqttTopics.Inbound.CALL.topic("site-a", "car-1");
    assertEquals("baton/site/site-a/car-1/call", topic);
    assertEquals(new MqttTopics.InboundTopic("site-a", "car-1", MqttTopics.Inbound.CALL), MqttTopics.parseInbound(topic).orElseThrow());
    assertTrue(MqttTopics.parseInbound("baton/site/site-a/car-1/teleport").isEmpty());
    assertTrue(MqttTopics.parseInbound("baton/client/car-1/redirect").isEmpty());
    assertEquals(MqttTopics.Outbound.REDIRECT, MqttTopics.parseOutbound("car-1", MqttTopics.Outbound.REDIRECT.topic("car-1")).orElseThrow());
    assertTrue(MqttTopics.parseOutbound("car-1", MqttTopics.Outbound.REDIRECT.topic("car-12")).isEmpty());
  }

  private static void assertRefused(WireFormat format, byte[] payload, Kind kind, String reason) {
    InvalidPayloadException refused = assertThrows(InvalidPayloadException.class, () -> TelemetryBatch.parse(format, payload));
    assertEquals(kind, refused.kind(), refused.reason());
    assertTrue(refused.reason().contains(reason), refused.reason());
  }
}
