package io.baton.protocol.wire;

import io.baton.protocol.wire.InvalidPayloadException.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A service call as a client sends it: the call plus the client's service token in the field
 * {@code token}, over CoAP and MQTT alike. The token is taken out here, so it never reaches the
 * service, its reply cache or a forwarded copy of the call.
 *
 * <pre>{"requestId":"car-1:17","op":"incr","key":"trip","token":"..."}</pre>
 *
 * @param token the presented token; empty when the call carried none
 */
public record CallEnvelope(ServiceCall call, String token) {
  public static final String TOKEN_FIELD = "token";
  private static final int MAX_TOKEN_CHARS = 256;

  public static CallEnvelope parse(Buffer payload) throws InvalidPayloadException {
    JsonObject json = JsonFields.parseObject(payload);
    Object token = json.remove(TOKEN_FIELD);
    if (token != null && (!(token instanceof String text) || text.length() > MAX_TOKEN_CHARS)) {
      throw new InvalidPayloadException(Kind.INVALID, "field '" + TOKEN_FIELD + "' must be a string of at most "
          + MAX_TOKEN_CHARS + " characters");
    }
    ServiceCall call = ServiceCall.parse(json.toBuffer());
    return new CallEnvelope(call, token == null ? "" : (String) token);
  }

  /** The JSON a client sends. */
  public static JsonObject encode(String requestId, JsonObject request, String token) {
    JsonObject json = request.copy().put("requestId", requestId);
    if (!token.isEmpty()) {
      json.put(TOKEN_FIELD, token);
    }
    return json;
  }
}
