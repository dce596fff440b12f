package io.baton.deploy.bench.predictor;

import java.util.ArrayList;
import java.util.List;

/** One strategy's score on one scenario. */
public record Scorecard(String strategy, int handoffs, int top1, int top2, List<Long> leadsMs, int prestageHits,
    long wastedBytes, long usedBytes, long prestagesStarted, boolean predicts) {

  public double top1Accuracy() {
    return handoffs == 0 ? 0 : (double) top1 / handoffs;
  }

  public double top2Accuracy() {
    return handoffs == 0 ? 0 : (double) top2 / handoffs;
  }

  public double hitRate() {
    return handoffs == 0 ? 0 : (double) prestageHits / handoffs;
  }

  public double meanLeadSeconds() {
    return leadsMs.stream().mapToLong(Long::longValue).average().orElse(0) / 1000;
  }

  /** The lead time 90% of handoffs had at least. */
  public double p10LeadSeconds() {
    if (leadsMs.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(leadsMs);
    sorted.sort(null);
    return sorted.get((int) Math.floor(0.1 * (sorted.size() - 1))) / 1000.0;
  }
}
