package io.baton.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.InvalidPayloadException.Kind;
import io.baton.protocol.wire.ServiceCall;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TelemetryReportTest {
  static final String VALID = "{\"clientId\":\"car-1\",\"timestamp\":1700000000000,\"position\":{\"x\":12.5,\"y\":-3},"
      + "\"speed\":25,\"heading\":90,\"rssi\":{\"site-a\":-71.5,\"site-b\":-88}}";

  @Test
  void parsesAValidReport() throws Exception {
    TelemetryReport report = TelemetryReport.parse(Buffer.buffer(VALID));
    assertEquals("car-1", report.clientId());
    assertEquals(1_700_000_000_000L, report.timestampMs());
    assertEquals(12.5, report.x());
    assertEquals(Map.of("site-a", -71.5, "site-b", -88.0), report.rssiDbm());
    assertEquals(report, TelemetryReport.parse(report.toJson().toBuffer()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty payload           | ''                         | empty payload",
      "truncated JSON          | '{\"clientId\":\"car-1\",' | malformed JSON",
      "array instead of object | '[1,2]'                    | expected a JSON object",
  })
  void refusesBodiesThatAreNotJsonObjects(String name, String body, String reason) {
    assertRefused(body, Kind.MALFORMED, reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "NaN literal         | '\"site-a\":NaN'     | MALFORMED | malformed JSON",
      "NaN as a string     | '\"site-a\":\"NaN\"' | INVALID   | not a finite number",
      "RSSI above 0 dBm    | '\"site-a\":12'      | INVALID   | out of range",
      "RSSI below -150 dBm | '\"site-a\":-400'    | INVALID   | out of range",
      "RSSI not a number   | '\"site-a\":true'    | INVALID   | must be a number",
      "no site in rssi     | ''                   | INVALID   | at least one site",
      "bad site id         | '\"site a\":-70'     | INVALID   | not a valid site id",
  })
  void refusesBadRssi(String name, String rssiEntries, Kind kind, String reason) {
    assertRefused(VALID.replace("\"site-a\":-71.5,\"site-b\":-88", rssiEntries), kind, reason);
  }

  private static void assertRefused(String body, Kind kind, String reason) {
    InvalidPayloadException e = assertThrows(InvalidPayloadException.class, () -> TelemetryReport.parse(Buffer.buffer(body)));
    assertEquals(kind, e.kind(), e.reason());
    assertTrue(e.reason().contains(reason), e.reason());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "clientId    | missing field 'clientId'",
      "position    | missing field 'position'",
      "speed       | missing field 'speed'",
      "heading     | missing field 'heading'",
      "timestamp   | missing field 'timestamp'",
  })
  void namesTheMissingField(String field, String reason) {
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(VALID);
    json.remove(field);
    InvalidPayloadException e = assertThrows(InvalidPayloadException.class, () -> TelemetryReport.fromJson(json));
    assertEquals(Kind.INVALID, e.kind());
    assertEquals(reason, e.reason());
  }

  @Test
  void refusesOutOfRangeMotion() {
    String negativeSpeed = VALID.replace("\"speed\":25", "\"speed\":-1");
    String badHeading = VALID.replace("\"heading\":90", "\"heading\":400");
    assertTrue(assertThrows(InvalidPayloadException.class, () -> TelemetryReport.parse(Buffer.buffer(negativeSpeed)))
        .reason().contains("'speed'"));
    assertTrue(assertThrows(InvalidPayloadException.class, () -> TelemetryReport.parse(Buffer.buffer(badHeading)))
        .reason().contains("'heading'"));
  }

  @Test
  void serviceCallNeedsARequestId() throws Exception {
    ServiceCall call = ServiceCall.parse(Buffer.buffer("{\"requestId\":\"car-1:7\",\"op\":\"incr\",\"key\":\"trip\"}"));
    assertEquals("car-1:7", call.requestId());
    assertEquals("incr", call.body().getString("op"));
    assertEquals(Kind.INVALID, assertThrows(InvalidPayloadException.class,
        () -> ServiceCall.parse(Buffer.buffer("{\"op\":\"incr\"}"))).kind());
  }
}
