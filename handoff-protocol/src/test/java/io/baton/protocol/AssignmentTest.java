package io.baton.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.HandoffHint;
import io.baton.protocol.wire.InvalidPayloadException;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A client reads assignments from the network: anything but a well-formed one is refused with a reason. */
class AssignmentTest {
  private static final String GOOD = "{\"clientId\":\"bus-1\",\"service\":\"counter\",\"site\":\"site-b\","
      + "\"coapEndpoint\":\"coap://127.0.0.3:5683\",\"mqttEndpoint\":\"tcp://127.0.0.3:1883\",\"epoch\":2}";

  @Test
  void aWellFormedAssignmentRoundTrips() throws Exception {
    Assignment parsed = Assignment.parse(Buffer.buffer(GOOD));
    assertEquals(new Assignment("bus-1", "counter", "site-b", "coap://127.0.0.3:5683", "tcp://127.0.0.3:1883", 2), parsed);
    assertEquals(parsed, Assignment.parse(parsed.toJson().toBuffer()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no epoch            | \"epoch\":2>\"x\":2                      | 'epoch'",
      "negative epoch      | \"epoch\":2>\"epoch\":-1                 | 'epoch'",
      "fractional epoch    | \"epoch\":2>\"epoch\":2.5                | 'epoch'",
      "epoch as text       | \"epoch\":2>\"epoch\":\"2\"              | 'epoch'",
      "site with a slash   | site-b>site/b                            | 'site'",
      "no CoAP endpoint    | \"coapEndpoint\":>\"coap\":              | 'coapEndpoint'",
      "endpoint not a text | \"coap://127.0.0.3:5683\">5683           | 'coapEndpoint'",
  })
  void aMalformedAssignmentIsRefusedWithTheFieldNamed(String name, String edit, String field) {
    String[] parts = edit.split(">", -1);
    String payload = GOOD.replace(parts[0], parts[1]);
    assertTrue(!payload.equals(GOOD), "the edit changed nothing");
    InvalidPayloadException refused = assertThrows(InvalidPayloadException.class, () -> Assignment.parse(Buffer.buffer(payload)));
    assertTrue(refused.getMessage().contains(field), refused.getMessage());
  }

  @Test
  void aHandoffHintIsReadNextToTheAssignmentOrRefusedWithTheFieldNamed() throws Exception {
    String hinted = GOOD.replace("\"epoch\":2", "\"epoch\":2,\"next\":{\"site\":\"site-c\","
        + "\"coapEndpoint\":\"coaps://127.0.0.4:5683\",\"mqttEndpoint\":\"ssl://127.0.0.4:1883\"}");
    assertEquals(new HandoffHint("site-c", "coaps://127.0.0.4:5683", "ssl://127.0.0.4:1883"),
        HandoffHint.in(Buffer.buffer(hinted)).orElseThrow());
    assertEquals(Assignment.parse(Buffer.buffer(GOOD)), Assignment.parse(Buffer.buffer(hinted)), "the hint changes no assignment");
    assertTrue(HandoffHint.in(Buffer.buffer(GOOD)).isEmpty());
    for (String bad : new String[] {"\"next\":3", "\"next\":{\"site\":\"site/c\"}", "\"next\":{\"site\":\"site-c\",\"coapEndpoint\":5}"}) {
      String payload = GOOD.replace("\"epoch\":2", "\"epoch\":2," + bad);
      InvalidPayloadException refused = assertThrows(InvalidPayloadException.class, () -> HandoffHint.in(Buffer.buffer(payload)));
      assertTrue(refused.getMessage().contains("next") || refused.getMessage().contains("site"), refused.getMessage());
    }
  }
}
