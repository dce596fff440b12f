package io.baton.predictor;

/**
 * The predictor's knobs. The trigger it predicts is the broker's A3 rule, so {@code hysteresisDb},
 * {@code timeToTriggerMs} and {@code smoothing} must match the broker's. {@code horizonMs} is how
 * far ahead it looks; {@code trendWindowMs} how much history a signal slope is fitted on. A client
 * not heard for {@code idleExpiryMs} (predictor clock) is forgotten, and at most {@code
 * maxClients} are tracked (the least recently heard go first).
 */
public record PredictorConfig(double hysteresisDb, long timeToTriggerMs, double smoothing, long horizonMs, long trendWindowMs,
    long idleExpiryMs, int maxClients, int maxCandidates) {

  public static PredictorConfig defaults() {
    return new PredictorConfig(3.0, 320, 0.5, 30_000, 5_000, 120_000, 100_000, 3);
  }

  public PredictorConfig {
    if (!(hysteresisDb >= 0) || timeToTriggerMs < 0 || !(smoothing > 0 && smoothing <= 1) || horizonMs <= 0
        || trendWindowMs <= 0 || idleExpiryMs <= 0 || maxClients < 1 || maxCandidates < 1) {
      throw new IllegalArgumentException("bad predictor config: " + this);
    }
  }

  /** The same A3 parameters as the broker, everything else default. */
  public static PredictorConfig matching(double hysteresisDb, long timeToTriggerMs, double smoothing) {
    PredictorConfig d = defaults();
    return new PredictorConfig(hysteresisDb, timeToTriggerMs, smoothing, d.horizonMs, d.trendWindowMs, d.idleExpiryMs,
        d.maxClients, d.maxCandidates);
  }

  public PredictorConfig withIdleExpiry(long ms, int clients) {
    return new PredictorConfig(hysteresisDb, timeToTriggerMs, smoothing, horizonMs, trendWindowMs, ms, clients, maxCandidates);
  }
}
