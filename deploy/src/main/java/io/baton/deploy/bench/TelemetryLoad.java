package io.baton.deploy.bench;

import io.baton.protocol.wire.TelemetryReport;
import java.util.Map;

/**
 * Offered telemetry: many simulated clients' reports pushed at one agent through a few
 * connections. Closed loop (the default): as fast as the agent takes them, with a bounded number
 * of reports in flight on each connection. Open loop ({@link Pace#offered}): at a fixed rate,
 * whatever the agent answers, to offer it more than it can take. One implementation per protocol;
 * the bench counts what the agent accepted on the bus and shed, not what was sent.
 */
interface TelemetryLoad extends AutoCloseable {

  /** Sends reports for {@code clientIds} round-robin until {@link #close()}. */
  void start(String[] clientIds);

  /** Reports that failed to leave or were refused (for the table's honesty, not its rate). */
  long failures();

  /** Reports sent so far. */
  long sent();

  @Override
  void close();

  /** How a load sends: closed loop, or open at {@code perSecond} reports a second in all. */
  record Pace(double perSecond) {
    static final Pace CLOSED = new Pace(0);

    static Pace offered(double perSecond) {
      if (!(perSecond > 0)) {
        throw new IllegalArgumentException("an offered rate must be positive: " + perSecond);
      }
      return new Pace(perSecond);
    }

    boolean open() {
      return perSecond > 0;
    }

    /** Each of {@code senders} threads' share, as nanoseconds between two sends. */
    long intervalNanos(int senders) {
      return (long) (1e9 * senders / perSecond);
    }
  }

  /**
   * Paces one open-loop sender: waits for its next slot. A sender that fell behind (the machine
   * was busy) catches up by at most 50 ms of sends rather than a burst of everything it owed.
   */
  static void awaitSlot(long[] next, long intervalNanos) {
    long now = System.nanoTime();
    if (next[0] - now > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(next[0] - now);
    } else if (now - next[0] > 50_000_000L) {
      next[0] = now - 50_000_000L;
    }
    next[0] += intervalNanos;
  }

  /** A report that keeps the client at its site: no handoff and no forecast comes from the load itself. */
  static TelemetryReport report(String clientId, long sequence) {
    // Parked beside site-a: a moving position would have the predictor pre-stage a thousand services.
    return new TelemetryReport(clientId, 1_700_000_000_000L + sequence, 0, 20, 0, 90,
        Map.of("site-a", -60.0 - sequence % 5, "site-b", -95.0, "site-c", -110.0));
  }
}
