package io.baton.predictor.model;

import io.baton.predictor.PredictorConfig;
import io.baton.protocol.event.TelemetryReported;

/** The one writer of a {@link ClientState}'s fields from a report. */
public final class ClientStateAccess {
  private ClientStateAccess() {
  }

  public static void apply(ClientState state, TelemetryReported report, PredictorConfig config) {
    if (state.servingSite != null && !state.servingSite.equals(report.servingSite())) {
      state.previousSite = state.servingSite;
      state.aboveSinceMs.clear();
    }
    state.servingSite = report.servingSite();
    if (state.lastReportMs != Long.MIN_VALUE && report.timestampMs() > state.lastReportMs) {
      state.reportPeriodMs = 0.8 * state.reportPeriodMs + 0.2 * (report.timestampMs() - state.lastReportMs);
    }
    state.lastReportMs = report.timestampMs();
    report.rssiDbm().forEach((site, rssi) ->
        state.signals.computeIfAbsent(site, s -> new SiteSignal(config.smoothing(), config.trendWindowMs())).add(report.timestampMs(), rssi));
    state.motion.add(report.timestampMs(), report.x(), report.y(), report.speedMps(), report.headingDeg());
  }
}
