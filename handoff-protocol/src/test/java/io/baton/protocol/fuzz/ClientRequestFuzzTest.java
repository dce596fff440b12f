package io.baton.protocol.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.baton.protocol.Ids;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.HandoffHint;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.buffer.Buffer;

/**
 * The other payloads that cross the edge: attach requests and service calls (from clients, over
 * CoAP or MQTT) and assignments (to clients: attach answers and redirects, and the handoff hints
 * next to them). Each is accepted with
 * valid ids or refused with InvalidPayloadException, never anything else.
 */
class ClientRequestFuzzTest {

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({"\"clientId\"", "\"service\"", "\"options\"", "\"requestId\"", "\"op\"", "\"site\"",
      "\"coapEndpoint\"", "\"mqttEndpoint\"", "\"epoch\"", "\"next\"", "\"counter\"", "coap://", "1e400", "-0", "{}"})
  void clientPayloadsAreParsedOrRefusedClearly(FuzzedDataProvider data) {
    int kind = data.consumeInt(0, 3);
    Buffer payload = Buffer.buffer(data.consumeRemainingAsBytes());
    try {
      switch (kind) {
        case 0 -> {
          AttachRequest attach = AttachRequest.parse(payload);
          check(Ids.isValid(attach.clientId()) && Ids.isValid(attach.service()), "attach with a bad id: " + attach);
        }
        case 1 -> ServiceCall.parse(payload);
        case 2 -> {
          Assignment assignment = Assignment.parse(payload);
          check(Ids.isValid(assignment.site()) && assignment.epoch() >= 0, "bad assignment accepted: " + assignment);
        }
        default -> HandoffHint.in(payload).ifPresent(hint -> check(Ids.isValid(hint.site()), "bad hint accepted: " + hint));
      }
    } catch (InvalidPayloadException refused) {
      // the outcome a bad payload must have
    }
  }

  private static void check(boolean holds, String why) {
    if (!holds) {
      throw new AssertionError(why);
    }
  }
}
