package io.baton.predictor.plan;

import java.util.HashMap;
import java.util.Map;

/**
 * Measured bandwidth per directed link (bytes/s), from finished pre-stages and handoffs: an
 * exponentially weighted mean, so one slow transfer does not halve the estimate.
 */
public final class LinkBandwidths {
  private static final double WEIGHT_OF_NEW = 0.3;

  private final double defaultBps;
  private final Map<String, Double> measured = new HashMap<>();

  public LinkBandwidths(double defaultBps) {
    this.defaultBps = defaultBps;
  }

  public double bytesPerSecond(String from, String to) {
    return measured.getOrDefault(from + ">" + to, defaultBps);
  }

  public void measured(String from, String to, long bytes, long micros) {
    if (bytes <= 0 || micros <= 0) {
      return;
    }
    double sample = bytes / (micros / 1e6);
    measured.merge(from + ">" + to, sample, (old, now) -> (1 - WEIGHT_OF_NEW) * old + WEIGHT_OF_NEW * now);
  }

  /** Sets a link's bandwidth outright (an operator's or a benchmark's known value). */
  public void set(String from, String to, double bytesPerSecond) {
    measured.put(from + ">" + to, bytesPerSecond);
  }
}
