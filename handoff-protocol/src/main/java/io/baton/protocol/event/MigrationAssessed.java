package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * What the source measured before an adaptive handoff: the link to the target (over the transfer
 * plane itself), the state's size and how fast the service dirties it.
 */
public record MigrationAssessed(
    String handoffId, double bytesPerSecond, double rttMillis, long stateBytes, double dirtyBytesPerSecond, long executionStateBytes)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("bytesPerSecond", bytesPerSecond)
        .put("rttMillis", rttMillis)
        .put("stateBytes", stateBytes)
        .put("dirtyBytesPerSecond", dirtyBytesPerSecond)
        .put("executionStateBytes", executionStateBytes);
  }

  public static MigrationAssessed fromJson(JsonObject json) {
    return new MigrationAssessed(json.getString("handoffId"), json.getDouble("bytesPerSecond"), json.getDouble("rttMillis"),
        json.getLong("stateBytes"), json.getDouble("dirtyBytesPerSecond"), json.getLong("executionStateBytes"));
  }
}
