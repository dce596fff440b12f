package io.baton.broker;

import io.baton.broker.adaptive.AdaptiveObjective;

/**
 * The broker's knobs. The trigger is LTE's A3 event: a neighbour better than the serving site by
 * {@code hysteresisDb} for {@code timeToTriggerMs}, on RSSI smoothed with weight {@code
 * smoothing} for the newest sample (1 = no smoothing). Control steps must answer within {@code
 * stepTimeoutMs}; steps that move state within {@code transferTimeoutMs}. {@code technique} is
 * cold, pre-copy, post-copy, hybrid or adaptive (chosen per handoff by {@code objective}).
 * {@code metricsPort} serves Prometheus metrics on the broker's host (0: none).
 */
public record BrokerConfig(double hysteresisDb, long timeToTriggerMs, double smoothing, long stepTimeoutMs,
    long transferTimeoutMs, String technique, AdaptiveObjective objective, int metricsPort) {

  public static final java.util.Set<String> TECHNIQUES = java.util.Set.of("cold", "pre-copy", "post-copy", "hybrid", "adaptive");

  public static BrokerConfig defaults() {
    return new BrokerConfig(3.0, 320, 0.5, 3_000, 300_000, "adaptive", AdaptiveObjective.defaults(), 0);
  }

  public BrokerConfig(double hysteresisDb, long timeToTriggerMs, double smoothing, long stepTimeoutMs) {
    this(hysteresisDb, timeToTriggerMs, smoothing, stepTimeoutMs, 300_000, "adaptive", AdaptiveObjective.defaults(), 0);
  }

  public BrokerConfig {
    if (!(hysteresisDb >= 0) || timeToTriggerMs < 0 || !(smoothing > 0 && smoothing <= 1) || stepTimeoutMs <= 0
        || transferTimeoutMs < stepTimeoutMs || metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("bad broker config: hysteresis " + hysteresisDb + " dB, time-to-trigger "
          + timeToTriggerMs + " ms, smoothing " + smoothing + ", step timeout " + stepTimeoutMs + " ms, transfer timeout "
          + transferTimeoutMs + " ms, metrics port " + metricsPort);
    }
    if (!TECHNIQUES.contains(technique)) {
      throw new IllegalArgumentException("unknown technique '" + technique + "'; use one of " + TECHNIQUES);
    }
  }

  public BrokerConfig withTechnique(String chosen) {
    return new BrokerConfig(hysteresisDb, timeToTriggerMs, smoothing, stepTimeoutMs, transferTimeoutMs, chosen, objective, metricsPort);
  }

  public BrokerConfig withMetricsPort(int port) {
    return new BrokerConfig(hysteresisDb, timeToTriggerMs, smoothing, stepTimeoutMs, transferTimeoutMs, technique, objective, port);
  }
}
