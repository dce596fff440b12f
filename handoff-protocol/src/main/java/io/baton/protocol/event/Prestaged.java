package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * One pre-staged artifact is at {@code targetSite}: {@code bytes} crossed the link for it in
 * {@code transferMicros} (what a planner measures the link's bandwidth from).
 */
public record Prestaged(String prestageId, String targetSite, String artifact, long bytes, long transferMicros)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("prestageId", prestageId)
        .put("targetSite", targetSite)
        .put("artifact", artifact)
        .put("bytes", bytes)
        .put("transferMicros", transferMicros);
  }

  public static Prestaged fromJson(JsonObject json) {
    return new Prestaged(json.getString("prestageId"), json.getString("targetSite"), json.getString("artifact"),
        json.getLong("bytes"), json.getLong("transferMicros", 0L));
  }
}
