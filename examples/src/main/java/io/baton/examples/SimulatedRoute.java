package io.baton.examples;

import io.baton.protocol.wire.TelemetryReport;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stands in for a real device's GPS and radio: a straight road past the demo's sites (site-a,
 * site-b, ... every {@code spacingMeters}, 20 m off the road), travelled at {@code speedMps}, and
 * the signal strength of each site from the log-distance path-loss model (20 dBm, 40 dB at 1 m,
 * exponent 3). A real app reports what its modem measures instead.
 */
final class SimulatedRoute {
  private final String clientId;
  private final int sites;
  private final double spacingMeters;
  private final double speedMps;
  private final long startNanos = System.nanoTime();

  SimulatedRoute(String clientId, int sites, double spacingMeters, double speedMps) {
    this.clientId = clientId;
    this.sites = sites;
    this.spacingMeters = spacingMeters;
    this.speedMps = speedMps;
  }

  double x() {
    return -spacingMeters / 4 + speedMps * (System.nanoTime() - startNanos) / 1e9;
  }

  boolean ended() {
    return x() > (sites - 1) * spacingMeters + spacingMeters / 4;
  }

  TelemetryReport reading() {
    double x = x();
    Map<String, Double> rssi = new LinkedHashMap<>();
    for (int i = 0; i < sites; i++) {
      double distance = Math.max(1, Math.hypot(x - i * spacingMeters, 20));
      rssi.put("site-" + (char) ('a' + i), Math.max(-150, Math.min(0, 20 - (40 + 30 * Math.log10(distance)))));
    }
    return new TelemetryReport(clientId, System.currentTimeMillis(), x, 20, speedMps, 90, rssi);
  }
}
