package io.baton.agent.clients;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on telemetry the agent has taken in but not yet handled. A transport asks here, on its
 * own thread, before it queues a report's work onto the telemetry context: past the bound the
 * report is shed at once (CoAP answers 5.03 with Max-Age, MQTT drops it), so an agent offered more
 * than it can take keeps a short queue, and answers calls, attaches and handoffs, which never pass
 * here, without waiting behind a backlog of telemetry. Counts accepted, refused and shed reports
 * per transport, and says so in the log at most once per {@link #LOG_EVERY_MS}. The bound is in
 * reports, except for MQTT, whose messages are admitted before they are parsed: there a message
 * counts as one, and a shed message counts as one shed report (a gateway's batch as well).
 */
public final class TelemetryAdmission {
  private static final Logger LOG = LoggerFactory.getLogger(TelemetryAdmission.class);
  /** Reports in flight: a few milliseconds of the agent's rate, enough to batch, little to wait behind. */
  public static final int DEFAULT_LIMIT = 512;
  /** What a shed CoAP report is told: retry in a second (Max-Age, RFC 7252 5.9.3.4). */
  public static final int RETRY_AFTER_SECONDS = 1;
  static final long LOG_EVERY_MS = 10_000;

  public enum Transport {
    COAP, MQTT;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One transport's counters since the agent started. */
  public record Counts(long accepted, long refused, long shed) {
  }

  private final String site;
  private final int limit;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<Transport, LongAdder[]> counters = new EnumMap<>(Transport.class);
  private final LongAdder shedSinceLog = new LongAdder();
  private volatile long lastLogMs;

  public TelemetryAdmission(String site, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the telemetry admission limit must be positive: " + limit);
    }
    this.site = site;
    this.limit = limit;
    for (Transport transport : Transport.values()) {
      counters.put(transport, new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
    }
  }

  /**
   * Takes {@code reports} in if they fit under the bound (a message larger than the bound fits
   * when nothing else is in flight, so a gateway's big batch is not refused forever); otherwise
   * counts them shed. Thread-safe: transports call it on their own threads.
   */
  public boolean tryAdmit(Transport transport, int reports) {
    while (true) {
      int current = inFlight.get();
      if (current > 0 && current + reports > limit) {
        shed(transport, reports);
        return false;
      }
      if (inFlight.compareAndSet(current, current + reports)) {
        return true;
      }
    }
  }

  /**
   * Admitted work was handled: {@code units} go back to the bound, and its {@code reports} count
   * as published ({@code accepted}) or refused with a reason.
   */
  public void done(Transport transport, int units, int reports, boolean accepted) {
    release(units);
    counters.get(transport)[accepted ? 0 : 1].add(reports);
  }

  /** Gives admitted reports back without counting an outcome (what {@link #done} does first). */
  public void release(int reports) {
    inFlight.addAndGet(-reports);
  }

  /** Reports the agent takes in at most before it sheds. */
  public int limit() {
    return limit;
  }

  public Counts counts(Transport transport) {
    LongAdder[] c = counters.get(transport);
    return new Counts(c[0].sum(), c[1].sum(), c[2].sum());
  }

  /** Reports taken in and not yet handled. */
  public int inFlight() {
    return inFlight.get();
  }

  private void shed(Transport transport, int reports) {
    counters.get(transport)[2].add(reports);
    shedSinceLog.add(reports);
    long now = System.currentTimeMillis();
    long last = lastLogMs;
    if (now - last >= LOG_EVERY_MS && shedSinceLog.sum() > 0) {
      synchronized (this) {
        if (lastLogMs == last) {
          lastLogMs = now;
          long shed = shedSinceLog.sumThenReset();
          LOG.warn("site {} is over its telemetry bound ({} reports in flight): shed {} reports{}; totals coap {}, mqtt {}",
              site, limit, shed, last == 0 ? "" : " in the last " + (now - last) / 1000 + " s",
              counts(Transport.COAP), counts(Transport.MQTT));
        }
      }
    }
  }
}
