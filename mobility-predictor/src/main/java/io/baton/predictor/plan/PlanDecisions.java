package io.baton.predictor.plan;

import io.baton.protocol.event.PrestageCancelled;
import io.baton.protocol.event.PrestageRequested;
import java.util.List;

/** What one planning step decided: pre-stages to start and pre-stages to cancel. */
public record PlanDecisions(List<PrestageRequested> started, List<PrestageCancelled> cancelled) {
  public static final PlanDecisions NONE = new PlanDecisions(List.of(), List.of());

  public PlanDecisions {
    started = List.copyOf(started);
    cancelled = List.copyOf(cancelled);
  }

  public boolean isEmpty() {
    return started.isEmpty() && cancelled.isEmpty();
  }
}
