package io.baton.deploy.bench.predictor;

import io.baton.protocol.event.TelemetryReported;
import java.util.List;

/** One way to guess the next site and stage ahead of it, driven report by report in simulated time. */
public interface Strategy {
  String name();

  /** Sees a report (and may start or cancel pre-stages on {@code links}); returns its ranked next sites now. */
  List<String> observe(TelemetryReported report, PrestageLinks links);

  /** Called every simulated second: time for housekeeping (idle clients). */
  default void tick(long nowMs, PrestageLinks links) {
  }
}
