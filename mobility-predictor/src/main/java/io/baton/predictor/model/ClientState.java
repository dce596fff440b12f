package io.baton.predictor.model;

import java.util.HashMap;
import java.util.Map;

/**
 * What the predictor remembers of one client: the serving site and the one before it (the
 * context of the transition model), each site's signal, how long each neighbour has beaten the
 * serving site by the hysteresis (the trigger's own timer), and its motion.
 */
public final class ClientState {
  final Map<String, SiteSignal> signals = new HashMap<>();
  final Map<String, Long> aboveSinceMs = new HashMap<>();
  final MotionTrack motion = new MotionTrack();
  private final String clientId;
  String servingSite;
  String previousSite;
  long lastReportMs = Long.MIN_VALUE;
  long lastHeardMs;
  double reportPeriodMs = DEFAULT_REPORT_PERIOD_MS;
  private static final double DEFAULT_REPORT_PERIOD_MS = 200;
  private static final double DEFAULT_NOISE_DB = 2.0;

  public ClientState(String clientId) {
    this.clientId = clientId;
  }

  public String clientId() {
    return clientId;
  }

  public String servingSite() {
    return servingSite;
  }

  public String previousSite() {
    return previousSite;
  }

  public long lastReportMs() {
    return lastReportMs;
  }

  public long lastHeardMs() {
    return lastHeardMs;
  }

  public MotionTrack motion() {
    return motion;
  }

  public Map<String, SiteSignal> signals() {
    return signals;
  }

  /** Smoothed level of a site, or {@code notHeard} if the client never reported it. */
  public double level(String siteId, double notHeard) {
    SiteSignal signal = signals.get(siteId);
    return signal == null ? notHeard : signal.level();
  }

  /** How often the client reports, smoothed over its recent reports. */
  public double reportPeriodMs() {
    return reportPeriodMs;
  }

  /**
   * The shadowing noise of one sample, dB: the median over the sites heard of the scatter around
   * their fitted trends; a default until there is enough to measure.
   */
  public double sampleNoiseDb() {
    double[] measured = signals.values().stream().mapToDouble(SiteSignal::noiseDb).filter(Double::isFinite).sorted().toArray();
    return measured.length == 0 ? DEFAULT_NOISE_DB : measured[measured.length / 2];
  }

  public Long aboveSince(String siteId) {
    return aboveSinceMs.get(siteId);
  }
}
