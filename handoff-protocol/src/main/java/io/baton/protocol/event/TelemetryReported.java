package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * One validated telemetry report of a client, as heard by {@code reportingSite}. {@code
 * servingSite} is the site that runs the client's service when the report was accepted, and
 * {@code handoffInProgress} tells consumers not to start another handoff for it.
 */
public record TelemetryReported(
    String clientId,
    String reportingSite,
    String servingSite,
    boolean handoffInProgress,
    long timestampMs,
    double x,
    double y,
    double speedMps,
    double headingDeg,
    Map<String, Double> rssiDbm) implements BatonEvent {

  public TelemetryReported {
    rssiDbm = Map.copyOf(rssiDbm);
  }

  @Override
  public JsonObject toJson() {
    JsonObject rssi = new JsonObject();
    new TreeMap<>(rssiDbm).forEach(rssi::put);
    return new JsonObject()
        .put("clientId", clientId)
        .put("reportingSite", reportingSite)
        .put("servingSite", servingSite)
        .put("handoffInProgress", handoffInProgress)
        .put("timestampMs", timestampMs)
        .put("x", x)
        .put("y", y)
        .put("speedMps", speedMps)
        .put("headingDeg", headingDeg)
        .put("rssiDbm", rssi);
  }

  public static TelemetryReported fromJson(JsonObject json) {
    Map<String, Double> rssi = new TreeMap<>();
    json.getJsonObject("rssiDbm").forEach(e -> rssi.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    return new TelemetryReported(
        json.getString("clientId"),
        json.getString("reportingSite"),
        json.getString("servingSite"),
        json.getBoolean("handoffInProgress"),
        json.getLong("timestampMs"),
        json.getDouble("x"),
        json.getDouble("y"),
        json.getDouble("speedMps"),
        json.getDouble("headingDeg"),
        rssi);
  }
}
