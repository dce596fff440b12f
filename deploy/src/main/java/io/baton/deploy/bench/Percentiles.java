package io.baton.deploy.bench;

import java.util.List;

/** Nearest-rank percentiles of a sample; NaN for an empty one. */
final class Percentiles {
  private Percentiles() {
  }

  static double of(List<Double> sample, double percent) {
    if (sample.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = sample.stream().sorted().toList();
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
