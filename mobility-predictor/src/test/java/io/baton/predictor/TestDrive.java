package io.baton.predictor;

import io.baton.broker.BrokerConfig;
import io.baton.broker.trigger.A3Trigger;
import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.TelemetryReported;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A client moving along waypoints in simulated time, reporting every site's RSSI (path loss plus
 * seeded shadowing) every {@code periodMs}, served where the broker's own {@link A3Trigger} says.
 */
final class TestDrive {
  static final BrokerConfig A3 = BrokerConfig.defaults();

  /** What the drive produced: the reports (serving site as of each) and the handoffs (time, target). */
  record Result(List<TelemetryReported> reports, List<long[]> handoffTimes, List<String> handoffTargets) {
  }

  private final List<SitePlacement> sites;
  private final double shadowingDb;
  private final Random noise;
  private final long periodMs;

  TestDrive(List<SitePlacement> sites, double shadowingDb, long seed, long periodMs) {
    this.sites = sites;
    this.shadowingDb = shadowingDb;
    this.noise = new Random(seed);
    this.periodMs = periodMs;
  }

  static SitePlacement site(String id, double x, double y) {
    return new SitePlacement(id, x, y, 20, 3);
  }

  /** Drives through the waypoints ({x, y} pairs) at {@code speed}, starting at {@code startMs} served by {@code serving}. */
  Result drive(String clientId, String serving, long startMs, double speed, double[]... waypoints) {
    A3Trigger trigger = new A3Trigger(A3, () -> 0L);
    List<TelemetryReported> reports = new ArrayList<>();
    List<long[]> times = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    long t = startMs;
    String servedBy = serving;
    for (int leg = 0; leg + 1 < waypoints.length; leg++) {
      double[] from = waypoints[leg];
      double[] to = waypoints[leg + 1];
      double length = Math.hypot(to[0] - from[0], to[1] - from[1]);
      double heading = (Math.toDegrees(Math.atan2(to[0] - from[0], to[1] - from[1])) + 360) % 360;
      for (double along = 0; along < length; along += speed * periodMs / 1000.0, t += periodMs) {
        double x = from[0] + (to[0] - from[0]) * along / length;
        double y = from[1] + (to[1] - from[1]) * along / length;
        Map<String, Double> rssi = new TreeMap<>();
        for (SitePlacement site : sites) {
          rssi.put(site.siteId(), site.meanRssiDbm(x, y) + shadowingDb * noise.nextGaussian());
        }
        TelemetryReported report = new TelemetryReported(clientId, servedBy, servedBy, false, t, x, y, speed, heading, rssi);
        reports.add(report);
        String target = trigger.observe(report).orElse(null);
        if (target != null) {
          times.add(new long[] {t});
          targets.add(target);
          servedBy = target;
        }
      }
    }
    return new Result(reports, times, targets);
  }
}
