package io.baton.protocol.directory;

import io.vertx.core.json.JsonObject;

/** How to reach one site: its CoAP endpoint for clients and its gRPC endpoint for state transfer. */
public record SiteInfo(String siteId, String coapEndpoint, String transferHost, int transferPort) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("siteId", siteId)
        .put("coapEndpoint", coapEndpoint)
        .put("transferHost", transferHost)
        .put("transferPort", transferPort);
  }

  public static SiteInfo fromJson(JsonObject json) {
    return new SiteInfo(
        json.getString("siteId"),
        json.getString("coapEndpoint"),
        json.getString("transferHost"),
        json.getInteger("transferPort"));
  }
}
