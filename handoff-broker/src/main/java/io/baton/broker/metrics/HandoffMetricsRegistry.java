package io.baton.broker.metrics;

import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Sums and counts of every handoff's metrics, per technique, in Prometheus' text exposition
 * format: summaries in seconds and bytes (seed 000's components, downtime, total time) and
 * counters of completed and aborted handoffs. Fed from the bus on the broker's context.
 */
public final class HandoffMetricsRegistry {
  private static final Map<String, ToDoubleFunction<HandoffCompleted>> SECONDS = new LinkedHashMap<>();
  private static final Map<String, ToDoubleFunction<HandoffCompleted>> BYTES = new LinkedHashMap<>();

  static {
    SECONDS.put("baton_handoff_downtime_seconds", h -> h.downtimeMillis() / 1000);
    SECONDS.put("baton_handoff_time_seconds", h -> h.handoffMillis() / 1000);
    SECONDS.put("baton_migration_total_seconds", h -> h.metrics().totalMillis() / 1000);
    SECONDS.put("baton_migration_predump_seconds", h -> h.metrics().preDumpMillis() / 1000);
    SECONDS.put("baton_migration_predump_transfer_seconds", h -> h.metrics().preDumpTransferMillis() / 1000);
    SECONDS.put("baton_migration_dump_seconds", h -> h.metrics().dumpMillis() / 1000);
    SECONDS.put("baton_migration_dump_transfer_seconds", h -> h.metrics().dumpTransferMillis() / 1000);
    SECONDS.put("baton_migration_resume_seconds", h -> h.metrics().resumeMillis() / 1000);
    SECONDS.put("baton_migration_faulted_pages_transfer_seconds", h -> h.metrics().faultedPagesTransferMillis() / 1000);
    BYTES.put("baton_migration_predump_bytes", h -> h.metrics().preDumpBytes());
    BYTES.put("baton_migration_dump_bytes", h -> h.metrics().dumpBytes());
    BYTES.put("baton_migration_faulted_pages_bytes", h -> h.metrics().faultedPagesBytes());
  }

  private final Map<String, Map<String, double[]>> summaries = new TreeMap<>();
  private final Map<String, Long> completed = new TreeMap<>();
  private final Map<String, Long> aborted = new TreeMap<>();

  public synchronized void record(HandoffCompleted handoff) {
    completed.merge(handoff.technique(), 1L, Long::sum);
    SECONDS.forEach((name, value) -> add(name, handoff.technique(), value.applyAsDouble(handoff)));
    BYTES.forEach((name, value) -> add(name, handoff.technique(), value.applyAsDouble(handoff)));
  }

  public synchronized void record(HandoffAborted handoff) {
    aborted.merge(handoff.failedStep(), 1L, Long::sum);
  }

  private void add(String metric, String technique, double value) {
    double[] sumAndCount = summaries.computeIfAbsent(metric, m -> new TreeMap<>()).computeIfAbsent(technique, t -> new double[2]);
    sumAndCount[0] += value;
    sumAndCount[1] += 1;
  }

  public synchronized String exposition() {
    StringBuilder out = new StringBuilder();
    out.append("# HELP baton_handoffs_completed_total Handoffs that completed, by technique.\n");
    out.append("# TYPE baton_handoffs_completed_total counter\n");
    completed.forEach((technique, n) -> out.append("baton_handoffs_completed_total{technique=\"").append(technique)
        .append("\"} ").append(n).append('\n'));
    out.append("# HELP baton_handoffs_aborted_total Handoffs that aborted, by the step that failed.\n");
    out.append("# TYPE baton_handoffs_aborted_total counter\n");
    aborted.forEach((step, n) -> out.append("baton_handoffs_aborted_total{step=\"").append(step)
        .append("\"} ").append(n).append('\n'));
    for (String metric : SECONDS.keySet()) {
      summary(out, metric);
    }
    for (String metric : BYTES.keySet()) {
      summary(out, metric);
    }
    return out.toString();
  }

  private void summary(StringBuilder out, String metric) {
    Map<String, double[]> byTechnique = summaries.get(metric);
    if (byTechnique == null) {
      return;
    }
    out.append("# TYPE ").append(metric).append(" summary\n");
    byTechnique.forEach((technique, sumAndCount) -> {
      out.append(metric).append("_sum{technique=\"").append(technique).append("\"} ").append(sumAndCount[0]).append('\n');
      out.append(metric).append("_count{technique=\"").append(technique).append("\"} ").append((long) sumAndCount[1]).append('\n');
    });
  }
}
