package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/** The target instance serves, fenced with {@code epoch}; from now on the source never serves again. */
public record TargetRestored(String handoffId, String targetSite, long epoch, long restoreMicros)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("targetSite", targetSite)
        .put("epoch", epoch)
        .put("restoreMicros", restoreMicros);
  }

  public static TargetRestored fromJson(JsonObject json) {
    return new TargetRestored(
        json.getString("handoffId"),
        json.getString("targetSite"),
        json.getLong("epoch"),
        json.getLong("restoreMicros"));
  }
}
