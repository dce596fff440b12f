package io.baton.deploy.bench.predictor;

import io.baton.protocol.event.TelemetryReported;
import java.util.List;

/** Baseline: no prediction; the service moves when the trigger fires, nothing staged ahead. */
public final class ReactiveStrategy implements Strategy {
  @Override
  public String name() {
    return "reactive";
  }

  @Override
  public List<String> observe(TelemetryReported report, PrestageLinks links) {
    return List.of();
  }
}
