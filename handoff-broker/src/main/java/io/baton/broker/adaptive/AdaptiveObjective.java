package io.baton.broker.adaptive;

import io.baton.broker.adaptive.MigrationModel.Estimate;
import java.util.Comparator;
import java.util.List;

/**
 * The default objective: the least downtime among the techniques whose total time stays within
 * {@code totalBound} times cold migration's. Downtimes within {@code tieTolerance} of the best
 * count as equal, and then a technique that never splits the state between two sites wins (seed
 * 000: post-copy loses the service if either site fails before the last page arrives), then the
 * shorter total time. The default tolerance is 5%: the choice must land within 10% of the best
 * technique's measured downtime, and the other 5% is the model's own error.
 */
public record AdaptiveObjective(double totalBound, double tieTolerance) {

  public static AdaptiveObjective defaults() {
    return new AdaptiveObjective(2.0, 0.05);
  }

  /** The chosen estimate and a sentence saying why. */
  public record Choice(Estimate chosen, String reason) {
  }

  public Choice choose(List<Estimate> estimates) {
    double coldTotal = estimates.stream().filter(e -> e.technique().equals("cold")).mapToDouble(Estimate::totalMillis)
        .findFirst().orElseThrow(() -> new IllegalArgumentException("the model must estimate cold migration"));
    List<Estimate> withinBound = estimates.stream().filter(e -> e.totalMillis() <= totalBound * coldTotal).toList();
    double best = withinBound.stream().mapToDouble(Estimate::downtimeMillis).min().orElseThrow();
    Estimate chosen = withinBound.stream()
        .filter(e -> e.downtimeMillis() <= best * (1 + tieTolerance) + 1e-9)
        .min(Comparator.comparing(Estimate::splitsState).thenComparingDouble(Estimate::totalMillis))
        .orElseThrow();
    return new Choice(chosen, String.format("least downtime (%.1f ms, best %.1f ms within %.0f%%) with total %.1f s <= %.1f x cold (%.1f s)%s",
        chosen.downtimeMillis(), best, tieTolerance * 100, chosen.totalMillis() / 1000, totalBound, coldTotal / 1000,
        chosen.splitsState() ? "" : "; no split-state window"));
  }
}
