package io.baton.protocol.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A client asks a site for its service: {@code {"clientId":"car-1","service":"kv"}}, with the
 * kind's options if it has any ({@code "options":{"sizeMb":75}}).
 */
public record AttachRequest(String clientId, String service, JsonObject options) {

  public AttachRequest {
    options = options == null ? new JsonObject() : options.copy();
  }

  public AttachRequest(String clientId, String service) {
    this(clientId, service, new JsonObject());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("clientId", clientId).put("service", service);
    return options.isEmpty() ? json : json.put("options", options.copy());
  }

  public static AttachRequest parse(Buffer body) throws InvalidPayloadException {
    JsonObject json = JsonFields.parseObject(body);
    JsonObject options = json.containsKey("options") ? JsonFields.object(json, "options") : new JsonObject();
    return new AttachRequest(JsonFields.id(json, "clientId"), JsonFields.id(json, "service"), options);
  }
}
