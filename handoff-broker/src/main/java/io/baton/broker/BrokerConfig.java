package io.baton.broker;

/**
 * The broker's knobs. The trigger is LTE's A3 event: a neighbour better than the serving site by
 * {@code hysteresisDb} for {@code timeToTriggerMs}, on RSSI smoothed with weight {@code
 * smoothing} for the newest sample (1 = no smoothing). Each saga step must answer within {@code
 * stepTimeoutMs} or the handoff aborts.
 */
public record BrokerConfig(double hysteresisDb, long timeToTriggerMs, double smoothing, long stepTimeoutMs) {

  public static BrokerConfig defaults() {
    return new BrokerConfig(3.0, 320, 0.5, 3_000);
  }

  public BrokerConfig {
    if (!(hysteresisDb >= 0) || timeToTriggerMs < 0 || !(smoothing > 0 && smoothing <= 1) || stepTimeoutMs <= 0) {
      throw new IllegalArgumentException("bad broker config: hysteresis " + hysteresisDb + " dB, time-to-trigger "
          + timeToTriggerMs + " ms, smoothing " + smoothing + ", step timeout " + stepTimeoutMs + " ms");
    }
  }
}
