package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * A pre-stage that became unlikely (or was overtaken by a handoff elsewhere): the target drops
 * what it received for it and the source stops sending.
 */
public record PrestageCancelled(String prestageId, String instanceId, String sourceSite, String targetSite, String reason)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("prestageId", prestageId)
        .put("instanceId", instanceId)
        .put("sourceSite", sourceSite)
        .put("targetSite", targetSite)
        .put("reason", reason);
  }

  public static PrestageCancelled fromJson(JsonObject json) {
    return new PrestageCancelled(json.getString("prestageId"), json.getString("instanceId"), json.getString("sourceSite"),
        json.getString("targetSite"), json.getString("reason"));
  }
}
