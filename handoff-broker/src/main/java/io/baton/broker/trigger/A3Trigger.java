package io.baton.broker.trigger;

import io.baton.broker.BrokerConfig;
import io.baton.protocol.event.TelemetryReported;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Decides, report by report, when a client should be handed off: when the best neighbour's
 * smoothed RSSI has exceeded the serving site's by the hysteresis margin for the whole
 * time-to-trigger. Time is the reports' own timestamps, so replays and tests are deterministic.
 * It fires once per serving site; {@link #rearm} makes it fire again after an aborted handoff, but
 * not at once for the target that failed: each handoff attempt freezes the service, and a target
 * that cannot take it (a stuck engine, no room) would otherwise be tried again after every abort
 * for as long as the signal favours it, freezing the service each time.
 */
public final class A3Trigger {
  private static final double NOT_HEARD_DBM = -200.0;
  private static final long IDLE_EXPIRY_MS = 120_000;
  /** How long a target is not tried after its first failed handoff; each further failure doubles it. */
  static final long FIRST_BACKOFF_MS = 5_000;
  static final long MAX_BACKOFF_MS = 60_000;

  private final BrokerConfig config;
  private final LongSupplier clock;
  private final Map<String, ClientTrack> tracks = new HashMap<>();

  public A3Trigger(BrokerConfig config) {
    this(config, System::currentTimeMillis);
  }

  /** {@code clock}: the broker's own time in ms, for idle expiry (clients' clocks may be off). */
  public A3Trigger(BrokerConfig config, LongSupplier clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Feeds one report; returns the target site when the trigger fires. */
  public Optional<String> observe(TelemetryReported report) {
    ClientTrack track = tracks.computeIfAbsent(report.clientId(), id -> new ClientTrack());
    if (report.timestampMs() < track.lastReportMs) {
      return Optional.empty();
    }
    track.lastReportMs = report.timestampMs();
    track.lastHeardMs = clock.getAsLong();
    if (!report.servingSite().equals(track.servingSite)) {
      track.servingSite = report.servingSite();
      track.candidate = null;
      track.fired = false;
      track.failures.clear();
      track.retryAfterMs.clear();
    }
    report.rssiDbm().forEach((site, rssi) -> track.smoothed.merge(site, rssi,
        (previous, sample) -> config.smoothing() * sample + (1 - config.smoothing()) * previous));

    double serving = track.smoothed.getOrDefault(track.servingSite, NOT_HEARD_DBM);
    String best = null;
    double bestRssi = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, Double> entry : track.smoothed.entrySet()) {
      if (!entry.getKey().equals(track.servingSite) && entry.getValue() > bestRssi) {
        best = entry.getKey();
        bestRssi = entry.getValue();
      }
    }
    if (best == null || bestRssi <= serving + config.hysteresisDb()) {
      track.candidate = null;
      return Optional.empty();
    }
    if (!best.equals(track.candidate)) {
      track.candidate = best;
      track.candidateSinceMs = report.timestampMs();
    }
    if (track.fired || report.handoffInProgress()
        || report.timestampMs() - track.candidateSinceMs < config.timeToTriggerMs()
        || clock.getAsLong() < track.retryAfterMs.getOrDefault(best, Long.MIN_VALUE)) {
      return Optional.empty();
    }
    track.fired = true;
    return Optional.of(best);
  }

  /**
   * The handoff this trigger asked for, to {@code failedTarget}, did not happen: let the condition
   * fire again, for that target only after its backoff (5 s, doubling per failure up to 60 s, of
   * the broker's own time; a new serving site starts afresh).
   */
  public void rearm(String clientId, String failedTarget) {
    ClientTrack track = tracks.get(clientId);
    if (track != null) {
      track.fired = false;
      track.candidate = null;
      int failures = track.failures.merge(failedTarget, 1, Integer::sum);
      long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(failures - 1, 16));
      track.retryAfterMs.put(failedTarget, clock.getAsLong() + backoff);
    }
  }

  /**
   * Forgets clients this broker has not heard from for two minutes of its own time, bounding
   * memory. (Report timestamps order a client's reports; they come from the client's clock.)
   */
  public void expireIdle() {
    long now = clock.getAsLong();
    tracks.values().removeIf(track -> now - track.lastHeardMs > IDLE_EXPIRY_MS);
  }

  public int trackedClients() {
    return tracks.size();
  }

  private static final class ClientTrack {
    String servingSite;
    final Map<String, Double> smoothed = new HashMap<>();
    String candidate;
    long candidateSinceMs;
    boolean fired;
    final Map<String, Integer> failures = new HashMap<>();
    final Map<String, Long> retryAfterMs = new HashMap<>();
    long lastReportMs = Long.MIN_VALUE;
    long lastHeardMs;
  }
}
