package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/** The source dropped its frozen copy; the handoff holds no resources any more. */
public record SourceReleased(String handoffId, String sourceSite) implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("handoffId", handoffId).put("sourceSite", sourceSite);
  }

  public static SourceReleased fromJson(JsonObject json) {
    return new SourceReleased(json.getString("handoffId"), json.getString("sourceSite"));
  }
}
