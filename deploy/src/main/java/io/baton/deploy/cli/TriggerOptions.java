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

  BrokerConfig toConfig() {
    return new BrokerConfig(hysteresisDb, timeToTriggerMs, smoothing, stepTimeoutMs);
  }
}
