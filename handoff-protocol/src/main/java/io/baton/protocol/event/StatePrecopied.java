package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/** The pre-dump phase is over: rounds sent while the service ran, and why it stopped. */
public record StatePrecopied(
    String handoffId, int rounds, long bytesSent, long preDumpMicros, long transferMicros, String stopReason)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("rounds", rounds)
        .put("bytesSent", bytesSent)
        .put("preDumpMicros", preDumpMicros)
        .put("transferMicros", transferMicros)
        .put("stopReason", stopReason);
  }

  public static StatePrecopied fromJson(JsonObject json) {
    return new StatePrecopied(json.getString("handoffId"), json.getInteger("rounds"), json.getLong("bytesSent"),
        json.getLong("preDumpMicros"), json.getLong("transferMicros"), json.getString("stopReason"));
  }
}
