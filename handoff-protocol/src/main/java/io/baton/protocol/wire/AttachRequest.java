package io.baton.protocol.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** A client asks a site for its service: {@code {"clientId":"car-1","service":"kv"}}. */
public record AttachRequest(String clientId, String service) {

  public JsonObject toJson() {
    return new JsonObject().put("clientId", clientId).put("service", service);
  }

  public static AttachRequest parse(Buffer body) throws InvalidPayloadException {
    JsonObject json = JsonFields.parseObject(body);
    return new AttachRequest(JsonFields.id(json, "clientId"), JsonFields.id(json, "service"));
  }
}
