package io.baton.predictor.telemetry;

import java.util.EnumMap;
import java.util.Map;

/** How many reports were ignored, by reason: what an operator looks at when forecasts go quiet. */
public final class RejectionCounts {
  private final EnumMap<Rejection, Long> counts = new EnumMap<>(Rejection.class);

  public void count(Rejection reason) {
    counts.merge(reason, 1L, Long::sum);
  }

  public long of(Rejection reason) {
    return counts.getOrDefault(reason, 0L);
  }

  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  public Map<Rejection, Long> snapshot() {
    return Map.copyOf(counts);
  }
}
