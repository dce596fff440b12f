package io.baton.protocol.wire;

import io.baton.protocol.wire.InvalidPayloadException.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Where a client's service is being moved, sent to the client (in the {@value #FIELD} field of its
 * assignment notification) while the handoff runs, so it can open its connection to that site
 * before the redirect: the DTLS handshake then is not part of the interruption. A hint moves
 * nothing: calls keep going where the sealed assignment says until a redirect arrives, so it
 * carries no MAC of its own; the client takes it only from a message whose assignment verified.
 */
public record HandoffHint(String site, String coapEndpoint, String mqttEndpoint) {
  public static final String FIELD = "next";

  public HandoffHint {
    mqttEndpoint = mqttEndpoint == null ? "" : mqttEndpoint;
  }

  public JsonObject toJson() {
    return new JsonObject().put("site", site).put("coapEndpoint", coapEndpoint).put("mqttEndpoint", mqttEndpoint);
  }

  /** The hint a message carries: empty if it has none; a malformed one is refused with the field named. */
  public static Optional<HandoffHint> in(Buffer body) throws InvalidPayloadException {
    JsonObject message = JsonFields.parseObject(body);
    if (message.getValue(FIELD) == null) {
      return Optional.empty();
    }
    JsonObject hint = JsonFields.object(message, FIELD);
    return Optional.of(new HandoffHint(JsonFields.id(hint, "site"), endpoint(hint, "coapEndpoint"), endpoint(hint, "mqttEndpoint")));
  }

  private static String endpoint(JsonObject json, String field) throws InvalidPayloadException {
    Object value = json.getValue(field, "");
    if (!(value instanceof String text) || text.length() > 256) {
      throw new InvalidPayloadException(Kind.INVALID, "field '" + FIELD + "." + field + "' must be an endpoint URI");
    }
    return text;
  }
}
