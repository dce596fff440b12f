package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/** Tells the client's observers where its service now runs. */
public record ClientRedirected(String handoffId, String clientId, String site, String coapEndpoint, long epoch)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("clientId", clientId)
        .put("site", site)
        .put("coapEndpoint", coapEndpoint)
        .put("epoch", epoch);
  }

  public static ClientRedirected fromJson(JsonObject json) {
    return new ClientRedirected(
        json.getString("handoffId"),
        json.getString("clientId"),
        json.getString("site"),
        json.getString("coapEndpoint"),
        json.getLong("epoch"));
  }
}
