package io.baton.deploy.cli;

import io.baton.broker.BrokerConfig;
import picocli.CommandLine.Option;

/** The handoff trigger's settings, shared by the commands that run a broker. */
final class TriggerOptions {
  @Option(names = "--hysteresis", description = "dB a neighbour must beat the serving site by (default ${DEFAULT-VALUE})",
      defaultValue = "3.0")
  double hysteresisDb;

  @Option(names = "--time-to-trigger", description = "ms the condition must hold (default ${DEFAULT-VALUE})",
      defaultValue = "320")
  long timeToTriggerMs;

  @Option(names = "--smoothing", description = "weight of the newest RSSI sample, 0-1 (default ${DEFAULT-VALUE})",
      defaultValue = "0.5")
  double smoothing;

  @Option(names = "--step-timeout", description = "ms each handoff step may take (default ${DEFAULT-VALUE})",
      defaultValue = "3000")
  long stepTimeoutMs;

  @Option(names = "--transfer-timeout", description = "ms a state-moving step may take (default ${DEFAULT-VALUE})",
      defaultValue = "300000")
  long transferTimeoutMs;

  @Option(names = "--technique", description = "cold, pre-copy, post-copy, hybrid or adaptive (default ${DEFAULT-VALUE})",
      defaultValue = "adaptive")
  String technique;

  @Option(names = "--metrics-port", description = "Prometheus metrics port on the broker's host, 0 for none (default ${DEFAULT-VALUE})",
      defaultValue = "0")
  int metricsPort;

  BrokerConfig toConfig() {
    return new BrokerConfig(hysteresisDb, timeToTriggerMs, smoothing, stepTimeoutMs, transferTimeoutMs, technique,
        io.baton.broker.adaptive.AdaptiveObjective.defaults(), metricsPort);
  }
}
