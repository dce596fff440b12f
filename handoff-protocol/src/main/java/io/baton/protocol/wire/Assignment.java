package io.baton.protocol.wire;

import io.vertx.core.json.JsonObject;

/**
 * Where a client's service runs: the answer to an attach and the body of every redirect
 * notification, over CoAP and MQTT alike. It names the site and both of its client endpoints
 * ({@code mqttEndpoint} is empty when the site speaks no MQTT). {@code epoch} grows by one with each
 * handoff, so a client can ignore stale news.
 */
public record Assignment(String clientId, String service, String site, String coapEndpoint, String mqttEndpoint, long epoch) {

  public Assignment {
    mqttEndpoint = mqttEndpoint == null ? "" : mqttEndpoint;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("clientId", clientId)
        .put("service", service)
        .put("site", site)
        .put("coapEndpoint", coapEndpoint)
        .put("mqttEndpoint", mqttEndpoint)
        .put("epoch", epoch);
  }

  public static Assignment fromJson(JsonObject json) {
    return new Assignment(
        json.getString("clientId"),
        json.getString("service"),
        json.getString("site"),
        json.getString("coapEndpoint"),
        json.getString("mqttEndpoint", ""),
        json.getLong("epoch"));
  }
}
