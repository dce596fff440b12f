package io.baton.broker.metrics;

import io.baton.protocol.event.TelemetryIntake;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest telemetry counters of every agent (accepted, refused, shed, per transport), as the
 * agents publish them, in Prometheus' text exposition format. The agents' counters are cumulative,
 * so the latest one per site and transport is the counter.
 */
public final class TelemetryIntakeRegistry {
  private final Map<String, TelemetryIntake> latest = new TreeMap<>();

  public synchronized void record(TelemetryIntake intake) {
    latest.merge(intake.site() + "/" + intake.transport(), intake,
        (old, next) -> next.timestampMs() >= old.timestampMs() ? next : old);
  }

  public synchronized String exposition() {
    if (latest.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    out.append("# HELP baton_telemetry_reports_total Telemetry reports an agent took in, by site, transport and outcome "
        + "(accepted: published; refused: 4.xx, nothing published; shed: over the agent's bound, CoAP 5.03, MQTT dropped).\n");
    out.append("# TYPE baton_telemetry_reports_total counter\n");
    latest.values().forEach(intake -> {
      line(out, intake, "accepted", intake.accepted());
      line(out, intake, "refused", intake.refused());
      line(out, intake, "shed", intake.shed());
    });
    return out.toString();
  }

  private static void line(StringBuilder out, TelemetryIntake intake, String outcome, long value) {
    out.append("baton_telemetry_reports_total{site=\"").append(intake.site()).append("\",transport=\"")
        .append(intake.transport()).append("\",outcome=\"").append(outcome).append("\"} ").append(value).append('\n');
  }
}
