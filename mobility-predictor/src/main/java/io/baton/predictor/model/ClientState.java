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

  public Long aboveSince(String siteId) {
    return aboveSinceMs.get(siteId);
  }
}
