package io.baton.deploy.bench.predictor;

import io.baton.broker.BrokerConfig;
import io.baton.broker.trigger.A3Trigger;
import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.TelemetryReported;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A trace turned into what the mesh would see: every mover's reports at {@code periodMs} (positions
 * interpolated between trace samples), each site's RSSI from the log-distance model plus seeded
 * Gaussian shadowing, and the handoffs the broker's own {@link A3Trigger} fires on them, the
 * serving site switching at once. Built once per run so every strategy sees the same world.
 */
public final class Scenario {
  /** A handoff the trigger fired on report number {@code reportIndex}. */
  public record Handoff(String clientId, long timeMs, String fromSite, String toSite, int reportIndex) {
  }

  private final List<TelemetryReported> reports;
  private final Map<Integer, Handoff> handoffs;

  private Scenario(List<TelemetryReported> reports, Map<Integer, Handoff> handoffs) {
    this.reports = reports;
    this.handoffs = handoffs;
  }

  public List<TelemetryReported> reports() {
    return reports;
  }

  /** The handoff fired on the report at this index, or null. */
  public Handoff handoffAt(int reportIndex) {
    return handoffs.get(reportIndex);
  }

  public int handoffCount() {
    return handoffs.size();
  }

  public static Scenario build(Map<String, List<TracePoint>> traces, List<SitePlacement> sites, long periodMs,
      double shadowingDb, long seed, BrokerConfig trigger) {
    record Sample(long timeMs, String mover, double x, double y, double speed, double heading) {
    }
    List<Sample> samples = new ArrayList<>();
    traces.forEach((mover, points) -> {
      for (int i = 0; i + 1 < points.size(); i++) {
        TracePoint a = points.get(i);
        TracePoint b = points.get(i + 1);
        long span = b.timeMs() - a.timeMs();
        if (span <= 0) {
          continue;
        }
        for (long t = a.timeMs(); t < b.timeMs(); t += periodMs) {
          double f = (t - a.timeMs()) / (double) span;
          samples.add(new Sample(t, mover, a.x() + f * (b.x() - a.x()), a.y() + f * (b.y() - a.y()),
              a.speedMps() + f * (b.speedMps() - a.speedMps()), a.headingDeg()));
        }
      }
    });
    samples.sort(Comparator.comparingLong(Sample::timeMs).thenComparing(Sample::mover));

    Random noise = new Random(seed);
    long[] now = {0};
    A3Trigger a3 = new A3Trigger(trigger, () -> now[0]);
    Map<String, String> serving = new HashMap<>();
    List<TelemetryReported> reports = new ArrayList<>(samples.size());
    Map<Integer, Handoff> handoffs = new HashMap<>();
    for (Sample s : samples) {
      now[0] = s.timeMs();
      Map<String, Double> rssi = new TreeMap<>();
      String strongest = null;
      for (SitePlacement site : sites) {
        double level = Math.max(-150, Math.min(0, site.meanRssiDbm(s.x(), s.y()) + shadowingDb * noise.nextGaussian()));
        rssi.put(site.siteId(), level);
        if (strongest == null || level > rssi.get(strongest)) {
          strongest = site.siteId();
        }
      }
      String servedBy = serving.computeIfAbsent(s.mover(), m -> rssi.entrySet().stream()
          .max(Map.Entry.comparingByValue()).orElseThrow().getKey());
      TelemetryReported report = new TelemetryReported(s.mover(), servedBy, servedBy, false, s.timeMs(), s.x(), s.y(),
          s.speed(), s.heading(), rssi);
      reports.add(report);
      String target = a3.observe(report).orElse(null);
      if (target != null) {
        handoffs.put(reports.size() - 1, new Handoff(s.mover(), s.timeMs(), servedBy, target, reports.size() - 1));
        serving.put(s.mover(), target);
      }
    }
    return new Scenario(reports, handoffs);
  }
}
