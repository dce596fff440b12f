package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * What one agent's telemetry intake did on one transport since it started: reports accepted
 * (published), refused (4.00/4.04/4.03, nothing published) and shed (over the agent's admission
 * bound: CoAP answered 5.03, MQTT dropped). Cumulative counters, published every few seconds.
 */
public record TelemetryIntake(String site, String transport, long accepted, long refused, long shed, long timestampMs)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("site", site)
        .put("transport", transport)
        .put("accepted", accepted)
        .put("refused", refused)
        .put("shed", shed)
        .put("timestampMs", timestampMs);
  }

  public static TelemetryIntake fromJson(JsonObject json) {
    return new TelemetryIntake(json.getString("site"), json.getString("transport"), json.getLong("accepted"),
        json.getLong("refused"), json.getLong("shed"), json.getLong("timestampMs"));
  }
}
