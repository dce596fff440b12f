package io.baton.deploy.bench;

import io.baton.protocol.wire.TelemetryReport;
import java.util.Map;

/**
 * Offered telemetry: many simulated clients' reports pushed at one agent as fast as it takes them,
 * through a few connections with a bounded number of reports in flight on each. One implementation
 * per protocol; the bench counts what the agent accepted on the bus, not what was sent.
 */
interface TelemetryLoad extends AutoCloseable {

  /** Sends reports for {@code clientIds} round-robin until {@link #close()}. */
  void start(String[] clientIds);

  /** Reports that failed to leave or were refused (for the table's honesty, not its rate). */
  long failures();

  @Override
  void close();

  /** A report that keeps the client at its site: no handoff comes from the load itself. */
  static TelemetryReport report(String clientId, long sequence) {
    return new TelemetryReport(clientId, 1_700_000_000_000L + sequence, sequence % 1000, 0, 10, 90,
        Map.of("site-a", -60.0 - sequence % 5, "site-b", -95.0, "site-c", -110.0));
  }
}
