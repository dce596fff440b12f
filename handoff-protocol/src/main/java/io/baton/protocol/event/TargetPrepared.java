package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/** The target agent accepted the handoff and is ready to receive state on its transfer endpoint. */
public record TargetPrepared(String handoffId, String targetSite, String transferHost, int transferPort)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("targetSite", targetSite)
        .put("transferHost", transferHost)
        .put("transferPort", transferPort);
  }

  public static TargetPrepared fromJson(JsonObject json) {
    return new TargetPrepared(
        json.getString("handoffId"),
        json.getString("targetSite"),
        json.getString("transferHost"),
        json.getInteger("transferPort"));
  }
}
