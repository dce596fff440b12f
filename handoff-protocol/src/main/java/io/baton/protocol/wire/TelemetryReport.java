package io.baton.protocol.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client reports about itself: per-site signal strength, position and motion. This is the
 * CoAP/MQTT wire format, in JSON or CBOR ({@link WireFormat}); {@link #parse} and {@link TelemetryBatch}
 * are the only ways in from the outside and check every field.
 *
 * <pre>{"clientId":"car-1","timestamp":1700000000000,"position":{"x":12.5,"y":0},
 *  "speed":25,"heading":90,"rssi":{"site-a":-71.5,"site-b":-88}}</pre>
 */
public record TelemetryReport(
    String clientId, long timestampMs, double x, double y, double speedMps, double headingDeg, Map<String, Double> rssiDbm) {

  /** Weaker than any receiver's sensitivity; stronger than 0 dBm is not a received signal. */
  public static final double MIN_RSSI_DBM = -150.0;
  public static final double MAX_RSSI_DBM = 0.0;
  public static final double MAX_SPEED_MPS = 150.0;
  private static final double MAX_COORDINATE_M = 1.0e8;

  public TelemetryReport {
    rssiDbm = Map.copyOf(rssiDbm);
  }

  public JsonObject toJson() {
    JsonObject rssi = new JsonObject();
    new TreeMap<>(rssiDbm).forEach(rssi::put);
    return new JsonObject()
        .put("clientId", clientId)
        .put("timestamp", timestampMs)
        .put("position", new JsonObject().put("x", x).put("y", y))
        .put("speed", speedMps)
        .put("heading", headingDeg)
        .put("rssi", rssi);
  }

  public static TelemetryReport parse(Buffer body) throws InvalidPayloadException {
    return fromJson(JsonFields.parseObject(body));
  }

  public static TelemetryReport fromJson(JsonObject json) throws InvalidPayloadException {
    String clientId = JsonFields.id(json, "clientId");
    double timestamp = JsonFields.finite(json, "timestamp", 1, Long.MAX_VALUE, "ms");
    JsonObject position = JsonFields.object(json, "position");
    double x = JsonFields.finite(position, "x", -MAX_COORDINATE_M, MAX_COORDINATE_M, "m");
    double y = JsonFields.finite(position, "y", -MAX_COORDINATE_M, MAX_COORDINATE_M, "m");
    double speed = JsonFields.finite(json, "speed", 0, MAX_SPEED_MPS, "m/s");
    double heading = JsonFields.finite(json, "heading", 0, 360, "degrees");
    JsonObject rssiJson = JsonFields.object(json, "rssi");
    if (rssiJson.isEmpty()) {
      throw new InvalidPayloadException(InvalidPayloadException.Kind.INVALID, "'rssi' must name at least one site");
    }
    Map<String, Double> rssi = new TreeMap<>();
    for (Map.Entry<String, Object> entry : rssiJson) {
      String field = "rssi." + entry.getKey();
      if (!JsonFields.isId(entry.getKey())) {
        throw new InvalidPayloadException(InvalidPayloadException.Kind.INVALID, "'" + field + "' is not a valid site id");
      }
      rssi.put(entry.getKey(), JsonFields.finiteValue(entry.getValue(), field, MIN_RSSI_DBM, MAX_RSSI_DBM, "dBm"));
    }
    return new TelemetryReport(clientId, (long) timestamp, x, y, speed, heading, rssi);
  }
}
