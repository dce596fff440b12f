package io.baton.predictor.plan;

/**
 * When the planner pre-stages and when it gives up. A candidate is staged once its probability
 * reached {@code startProbability} and stayed there for {@code confirmMs} (one noisy forecast does
 * not move megabytes), and its ETA is within {@code safetyFactor} times the transfer's
 * expected time plus {@code marginMs} (starting earlier only risks waste); at most {@code
 * maxTargetsPerClient} at once. A pre-stage whose target stayed below {@code cancelProbability}
 * for {@code cancelGraceMs} is cancelled (the gap between the two thresholds keeps one noisy
 * forecast from flapping it). Pre-stages may use {@code budgetShare} of a link's measured bandwidth,
 * shared by all that run on it, with at most {@code maxPerLink} at once. {@code defaultBandwidthBps}
 * (bytes/s) stands for a link until it was measured.
 */
public record PlannerConfig(double startProbability, long confirmMs, double cancelProbability, long cancelGraceMs, int maxTargetsPerClient,
    double safetyFactor, long marginMs, double budgetShare, int maxPerLink, double defaultBandwidthBps) {

  public static PlannerConfig defaults() {
    return new PlannerConfig(0.4, 400, 0.15, 2_000, 2, 1.5, 2_000, 0.5, 4, 12_500_000);
  }

  public PlannerConfig {
    if (!(startProbability > 0 && startProbability <= 1) || confirmMs < 0 || !(cancelProbability >= 0 && cancelProbability < startProbability)
        || cancelGraceMs < 0 || maxTargetsPerClient < 1 || !(safetyFactor >= 1) || marginMs < 0
        || !(budgetShare > 0 && budgetShare <= 1) || maxPerLink < 1 || !(defaultBandwidthBps > 0)) {
      throw new IllegalArgumentException("bad planner config: " + this);
    }
  }

  /** The same thresholds, another share of the link and another bandwidth assumed until measured. */
  public PlannerConfig withLink(double share, double bandwidthBps) {
    return new PlannerConfig(startProbability, confirmMs, cancelProbability, cancelGraceMs, maxTargetsPerClient, safetyFactor,
        marginMs, share, maxPerLink, bandwidthBps);
  }
}
