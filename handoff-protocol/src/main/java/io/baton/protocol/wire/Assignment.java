package io.baton.protocol.wire;

import io.vertx.core.json.JsonObject;

/**
 * Where a client's service runs: the answer to an attach and the body of every redirect
 * notification. {@code epoch} grows by one with each handoff, so a client can ignore stale news.
 */
public record Assignment(String clientId, String service, String site, String coapEndpoint, long epoch) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("clientId", clientId)
        .put("service", service)
        .put("site", site)
        .put("coapEndpoint", coapEndpoint)
        .put("epoch", epoch);
  }

  public static Assignment fromJson(JsonObject json) {
    return new Assignment(
        json.getString("clientId"),
        json.getString("service"),
        json.getString("site"),
        json.getString("coapEndpoint"),
        json.getLong("epoch"));
  }
}
