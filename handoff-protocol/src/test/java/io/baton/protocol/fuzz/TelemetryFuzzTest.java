package io.baton.protocol.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.TelemetryBatch;
import io.baton.protocol.wire.WireFormat;

/**
 * Telemetry as it arrives from outside (CoAP and MQTT, JSON and CBOR, one report or a batch):
 * every payload is either accepted or refused with InvalidPayloadException, never anything else.
 */
class TelemetryFuzzTest {

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({"\"clientId\"", "\"timestamp\"", "\"position\"", "\"x\"", "\"y\"", "\"speed\"", "\"heading\"",
      "\"rssi\"", "\"site-a\"", "NaN", "-1e309", "[{", "}]"})
  void telemetryIsParsedOrRefusedClearly(FuzzedDataProvider data) {
    WireFormat format = data.pickValue(WireFormat.values());
    try {
      TelemetryBatch.parse(format, data.consumeRemainingAsBytes());
    } catch (InvalidPayloadException refused) {
      // the outcome a bad payload must have
    }
  }
}
