package io.baton.protocol.directory;

import io.vertx.core.json.JsonObject;

/**
 * How to reach one site: its client endpoints (CoAP, and MQTT where the site has a broker; empty
 * otherwise) and its gRPC endpoint for state transfer.
 */
public record SiteInfo(String siteId, String coapEndpoint, String mqttEndpoint, String transferHost, int transferPort) {

  public SiteInfo {
    mqttEndpoint = mqttEndpoint == null ? "" : mqttEndpoint;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("siteId", siteId)
        .put("coapEndpoint", coapEndpoint)
        .put("mqttEndpoint", mqttEndpoint)
        .put("transferHost", transferHost)
        .put("transferPort", transferPort);
  }

  public static SiteInfo fromJson(JsonObject json) {
    return new SiteInfo(
        json.getString("siteId"),
        json.getString("coapEndpoint"),
        json.getString("mqttEndpoint", ""),
        json.getString("transferHost"),
        json.getInteger("transferPort"));
  }
}
