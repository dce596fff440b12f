package io.baton.agent.runtime.container;

import java.util.List;

/**
 * What one of a container handoff's stages did at the source, in seed 002's terms: bytes sent ahead of
 * the freeze (pre-transfer) or after it (final transfer), the final checkpoint's size, the time it
 * took, and each phase with its time and bytes.
 */
public record HandoffReport(String instanceId, String fromSite, String toSite, String method, List<Phase> phases,
    long preBytes, long finalBytes, long checkpointBytes, long handoffMicros) {

  public record Phase(String name, long micros, long bytes) {
  }

  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(String.format("%s %s -> %s (%s)%n", instanceId, fromSite, toSite, method));
    for (Phase phase : phases) {
      text.append(String.format("  %-14s %9.3f s %12d bytes%n", phase.name(), phase.micros() / 1e6, phase.bytes()));
    }
    text.append(String.format("  %.3f s, pre-transfer %.3f MB, final transfer %.3f MB%n", handoffMicros / 1e6, preBytes / 1e6,
        finalBytes / 1e6));
    return text.toString();
  }
}
