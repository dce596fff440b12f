package io.baton.predictor;

import io.baton.predictor.model.SitePrediction;
import io.baton.protocol.event.Forecast;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Blends the models' views into one ranked list (plus a weak fallback, the neighbour whose
 * coverage is strongest where the client is now, so a client nothing else has an opinion on
 * still gets a forecast). Each model's weights are added with the model's
 * own weight; the sum, plus a fixed weight for "no handoff soon", is normalised into
 * probabilities. The ETA of a site is the signal trend's once the trigger's timer runs (it is then
 * exact), else the motion model's (geometry extrapolates better than a straight line through
 * decibels), else the signal trend's, else the earliest any model gives (a transition alone says
 * where, not when).
 */
public final class ForecastCombiner {
  /** How much each model counts; a model may be switched off with 0. */
  public record Weights(double signal, double motion, double transitions, double coverage) {
    public static Weights defaults() {
      return new Weights(0.3, 1.0, 0.6, 1.0);
    }

    public static Weights only(String model) {
      return switch (model) {
        case "signal" -> new Weights(1, 0, 0, 0);
        case "motion" -> new Weights(0, 1, 0, 0);
        case "transitions" -> new Weights(0, 0, 1, 0);
        case "coverage" -> new Weights(0, 0, 0, 1);
        default -> throw new IllegalArgumentException("unknown model '" + model + "'; use signal, motion, transitions or coverage");
      };
    }
  }

  /**
   * The weight of "no handoff soon" in the normalisation: one weak opinion alone (a far ETA, a
   * neighbour barely heard) must not become a probability of 1.
   */
  static final double NO_HANDOFF_WEIGHT = 0.5;

  private final Weights weights;
  private final int maxCandidates;
  private final long horizonMs;
  private final long timeToTriggerMs;

  public ForecastCombiner(Weights weights, int maxCandidates, long horizonMs, long timeToTriggerMs) {
    this.weights = weights;
    this.timeToTriggerMs = timeToTriggerMs;
    this.maxCandidates = maxCandidates;
    this.horizonMs = horizonMs;
  }

  public Forecast combine(String clientId, long nowMs, List<SitePrediction> signal, List<SitePrediction> motion,
      List<SitePrediction> transitions, double transitionConfidence, Optional<SitePrediction> coverage) {
    Map<String, Double> score = new HashMap<>();
    Map<String, Long> eta = new HashMap<>();
    long earliest = horizonMs;
    for (SitePrediction p : weights.motion() > 0 ? motion : List.<SitePrediction>of()) {
      score.merge(p.siteId(), weights.motion() * p.probability(), Double::sum);
      eta.put(p.siteId(), p.etaMs());
      earliest = Math.min(earliest, p.etaMs());
    }
    for (SitePrediction p : signal) {
      score.merge(p.siteId(), weights.signal() * p.probability(), Double::sum);
      if (weights.signal() > 0) {
        // A running trigger timer is exact; otherwise geometry beats a straight line through dB.
        if (p.etaMs() <= timeToTriggerMs || !eta.containsKey(p.siteId())) {
          eta.put(p.siteId(), p.etaMs());
        }
        earliest = Math.min(earliest, p.etaMs());
      }
    }
    for (SitePrediction p : transitions) {
      score.merge(p.siteId(), weights.transitions() * transitionConfidence * p.probability(), Double::sum);
    }
    coverage.ifPresent(p -> score.merge(p.siteId(), weights.coverage() * p.probability(), Double::sum));
    double total = score.values().stream().mapToDouble(Double::doubleValue).sum() + NO_HANDOFF_WEIGHT;
    List<Forecast.Candidate> ranked = new ArrayList<>();
    if (total > 0) {
      long fallbackEta = earliest;
      score.forEach((site, s) -> {
        if (s > 0) {
          ranked.add(new Forecast.Candidate(site, s / total, eta.getOrDefault(site, fallbackEta)));
        }
      });
    }
    ranked.sort(Comparator.comparingDouble(Forecast.Candidate::probability).reversed().thenComparing(Forecast.Candidate::siteId));
    return new Forecast(clientId, nowMs, ranked.subList(0, Math.min(maxCandidates, ranked.size())));
  }
}
