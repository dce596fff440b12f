package io.baton.protocol.directory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a site stands and how it radiates: a position in metres (the telemetry's coordinates) and
 * the log-distance path-loss parameters, RSSI = P_tx - (PL(1 m) + 10 n log10(d / 1 m)). A
 * predictor needs these to turn a client's extrapolated position into expected signal levels.
 */
public record SitePlacement(String siteId, double x, double y, double transmitPowerDbm, double pathLossExponent,
    double referenceLossDb) {

  /** Loss at 1 m of a small urban cell, as the demo's radio model uses. */
  public static final double DEFAULT_REFERENCE_LOSS_DB = 40.0;

  public SitePlacement {
    if (siteId == null || siteId.isBlank()) {
      throw new IllegalArgumentException("a site needs an id");
    }
    if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(transmitPowerDbm)
        || !(pathLossExponent >= 1 && pathLossExponent <= 8) || !Double.isFinite(referenceLossDb)) {
      throw new IllegalArgumentException("site " + siteId + ": position, transmit power and reference loss must be finite numbers"
          + " and the path-loss exponent within [1, 8], got x " + x + ", y " + y + ", " + transmitPowerDbm + " dBm, exponent "
          + pathLossExponent + ", reference loss " + referenceLossDb + " dB");
    }
  }

  public SitePlacement(String siteId, double x, double y, double transmitPowerDbm, double pathLossExponent) {
    this(siteId, x, y, transmitPowerDbm, pathLossExponent, DEFAULT_REFERENCE_LOSS_DB);
  }

  public double distanceTo(double px, double py) {
    return Math.hypot(px - x, py - y);
  }

  /** The mean RSSI (no shadowing) a client at (px, py) hears from this site, clamped to [-150, 0] dBm. */
  public double meanRssiDbm(double px, double py) {
    double d = Math.max(1.0, distanceTo(px, py));
    double rssi = transmitPowerDbm - (referenceLossDb + 10 * pathLossExponent * Math.log10(d));
    return Math.max(-150.0, Math.min(0.0, rssi));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", siteId).put("x", x).put("y", y).put("txPowerDbm", transmitPowerDbm)
        .put("pathLossExponent", pathLossExponent).put("referenceLossDb", referenceLossDb);
  }

  public static SitePlacement fromJson(JsonObject json) {
    String id = json.getString("id", json.getString("siteId"));
    return new SitePlacement(id, number(json, id, "x"), number(json, id, "y"), number(json, id, "txPowerDbm"),
        number(json, id, "pathLossExponent"), json.containsKey("referenceLossDb") ? number(json, id, "referenceLossDb")
            : DEFAULT_REFERENCE_LOSS_DB);
  }

  /** A site list as JSON (an array of objects); refuses duplicates and empty lists. */
  public static List<SitePlacement> listFromJson(JsonArray array) {
    List<SitePlacement> sites = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject site)) {
        throw new IllegalArgumentException("site " + i + " is not a JSON object");
      }
      SitePlacement placed = fromJson(site);
      if (!ids.add(placed.siteId())) {
        throw new IllegalArgumentException("site " + placed.siteId() + " is listed twice");
      }
      sites.add(placed);
    }
    if (sites.isEmpty()) {
      throw new IllegalArgumentException("the site list is empty");
    }
    return sites;
  }

  private static double number(JsonObject json, String id, String field) {
    if (!(json.getValue(field) instanceof Number n)) {
      throw new IllegalArgumentException("site " + id + ": '" + field + "' must be a number");
    }
    return n.doubleValue();
  }
}
