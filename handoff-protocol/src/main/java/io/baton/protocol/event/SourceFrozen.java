package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/** The source instance stopped serving; its snapshot of {@code snapshotBytes} is ready to send. */
public record SourceFrozen(String handoffId, String sourceSite, long snapshotBytes, long dumpMicros)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("sourceSite", sourceSite)
        .put("snapshotBytes", snapshotBytes)
        .put("dumpMicros", dumpMicros);
  }

  public static SourceFrozen fromJson(JsonObject json) {
    return new SourceFrozen(
        json.getString("handoffId"),
        json.getString("sourceSite"),
        json.getLong("snapshotBytes"),
        json.getLong("dumpMicros"));
  }
}
