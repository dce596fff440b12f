package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/** The target holds the whole snapshot, verified against the source's sha-256. */
public record StateTransferred(String handoffId, String targetSite, long bytesSent, String sha256, long transferMicros)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("targetSite", targetSite)
        .put("bytesSent", bytesSent)
        .put("sha256", sha256)
        .put("transferMicros", transferMicros);
  }

  public static StateTransferred fromJson(JsonObject json) {
    return new StateTransferred(
        json.getString("handoffId"),
        json.getString("targetSite"),
        json.getLong("bytesSent"),
        json.getString("sha256"),
        json.getLong("transferMicros"));
  }
}
