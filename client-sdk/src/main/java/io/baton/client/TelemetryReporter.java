package io.baton.client;

import io.baton.protocol.wire.TelemetryReport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reports a reading every {@code period} until closed. A reading the app cannot give (null) is
 * skipped; a report the mesh refuses is counted, not retried: telemetry is a stream, the next one
 * supersedes it.
 */
public final class TelemetryReporter implements AutoCloseable {
  private final ScheduledFuture<?> task;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  TelemetryReporter(ScheduledExecutorService timers, Duration period, Supplier<TelemetryReport> readings,
      Function<TelemetryReport, CompletableFuture<Void>> send) {
    this.task = timers.scheduleAtFixedRate(() -> {
      TelemetryReport reading = readings.get();
      if (reading != null) {
        send.apply(reading).whenComplete((v, failure) -> (failure == null ? sent : failed).incrementAndGet());
      }
    }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
  }

  public long sent() {
    return sent.get();
  }

  public long failed() {
    return failed.get();
  }

  @Override
  public void close() {
    task.cancel(false);
  }
}
