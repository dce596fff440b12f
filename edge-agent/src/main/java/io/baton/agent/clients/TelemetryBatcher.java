package io.baton.agent.clients;

import io.baton.protocol.Addresses;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.event.TelemetryReportedBatch;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts accepted reports on the bus a batch at a time: one clustered publish (encoded once per
 * receiving member) per batch instead of per report. A batch leaves when it holds
 * {@link #MAX_REPORTS} or {@link #MAX_DELAY_MS} after its first report, whichever comes first, so
 * no report waits longer than that: the A3 trigger's time-to-trigger is hundreds of milliseconds.
 * Confined to the telemetry context.
 */
final class TelemetryBatcher {
  static final int MAX_REPORTS = 256;
  static final long MAX_DELAY_MS = 3;

  private final Vertx vertx;
  private List<TelemetryReported> pending = new ArrayList<>();
  private long timer = -1;

  TelemetryBatcher(Vertx vertx) {
    this.vertx = vertx;
  }

  void add(List<TelemetryReported> reports) {
    pending.addAll(reports);
    if (pending.size() >= MAX_REPORTS) {
      flush();
    } else if (timer < 0) {
      timer = vertx.setTimer(MAX_DELAY_MS, id -> {
        timer = -1;
        flush();
      });
    }
  }

  void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (pending.isEmpty()) {
      return;
    }
    List<TelemetryReported> batch = pending;
    pending = new ArrayList<>(Math.min(MAX_REPORTS, batch.size() * 2));
    vertx.eventBus().publish(Addresses.TELEMETRY_REPORTED, new TelemetryReportedBatch(batch));
  }
}
