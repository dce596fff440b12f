package io.baton.protocol.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One call to a client's service. {@code requestId} makes a call idempotent: the service answers a
 * repeated id from its reply cache instead of executing it again, wherever the service runs now.
 *
 * <pre>{"requestId":"car-1:17","op":"incr","key":"trip"}</pre>
 */
public record ServiceCall(String requestId, JsonObject body) {

  public JsonObject toJson() {
    return body.copy().put("requestId", requestId);
  }

  public static ServiceCall parse(Buffer payload) throws InvalidPayloadException {
    JsonObject json = JsonFields.parseObject(payload);
    String requestId = JsonFields.id(json, "requestId");
    JsonObject body = json.copy();
    body.remove("requestId");
    return new ServiceCall(requestId, body);
  }
}
