package io.baton.predictor.model;

import io.baton.predictor.PredictorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * When will the broker's A3 trigger fire, and for which site, if every site's smoothed level keeps
 * its current slope? A neighbour already above the serving site by the hysteresis fires when its
 * time-to-trigger runs out; one below it fires a time-to-trigger after its extrapolated crossing.
 * Nearer firings get more weight, e^(-eta / tau): the weights are not normalised, so a far,
 * uncertain firing counts for little against the other models.
 */
public final class SignalTrendModel {
  static final double NOT_HEARD_DBM = -200.0;
  private static final double MIN_CLOSING_DB_PER_S = 0.05;
  private static final double TAU_MS = 4_000;

  private final PredictorConfig config;

  public SignalTrendModel(PredictorConfig config) {
    this.config = config;
  }

  /** Updates the per-neighbour timers from the newest levels; called after each report. */
  public void updateTimers(ClientState state, long reportMs) {
    double serving = state.level(state.servingSite, NOT_HEARD_DBM);
    for (Map.Entry<String, SiteSignal> entry : state.signals.entrySet()) {
      String site = entry.getKey();
      if (site.equals(state.servingSite) || entry.getValue().level() <= serving + config.hysteresisDb()) {
        state.aboveSinceMs.remove(site);
      } else {
        state.aboveSinceMs.putIfAbsent(site, reportMs);
      }
    }
  }

  public List<SitePrediction> predict(ClientState state, long nowMs) {
    List<SitePrediction> out = new ArrayList<>();
    SiteSignal servingSignal = state.signals.get(state.servingSite);
    double serving = servingSignal == null ? NOT_HEARD_DBM : servingSignal.level();
    double servingSlope = servingSignal == null ? 0 : servingSignal.slopeDbPerSecond();
    for (Map.Entry<String, SiteSignal> entry : state.signals.entrySet()) {
      String site = entry.getKey();
      if (site.equals(state.servingSite)) {
        continue;
      }
      double gap = entry.getValue().level() - serving;
      double closing = entry.getValue().slopeDbPerSecond() - servingSlope;
      long eta;
      Long above = state.aboveSinceMs.get(site);
      if (above != null && gap > config.hysteresisDb()) {
        eta = Math.max(0, above + config.timeToTriggerMs() - nowMs);
      } else if (closing > MIN_CLOSING_DB_PER_S) {
        double seconds = (config.hysteresisDb() - gap) / closing;
        eta = Math.round(Math.max(0, seconds) * 1000) + config.timeToTriggerMs();
      } else {
        continue;
      }
      if (eta <= config.horizonMs()) {
        double weight = Math.exp(-eta / TAU_MS);
        out.add(new SitePrediction(site, weight, eta));
      }
    }
    return out;
  }
}
