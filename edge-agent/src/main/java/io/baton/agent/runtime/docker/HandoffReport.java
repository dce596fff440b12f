package io.baton.agent.runtime.docker;

import java.util.List;

/**
 * What one docker handoff did, in seed 002's terms: handoff time (migration request to the
 * restored container), downtime (freeze to restored), bytes sent ahead (pre-transfer) and after
 * the request (final transfer), and each phase with its time and bytes.
 */
public record HandoffReport(String instanceId, String fromSite, String toSite, String method, List<Phase> phases,
    long preBytes, long finalBytes, long checkpointBytes, long handoffMicros, long downtimeMicros, boolean restoredAtTarget,
    String failure) {

  public record Phase(String name, long micros, long bytes) {
  }

  public String describe() {
    StringBuilder text = new StringBuilder();
    boolean ahead = method.equals("prestage");
    text.append(String.format("%s %s -> %s (%s): %s%n", instanceId, fromSite, toSite, method,
        ahead ? "staged at " + toSite + ", still serving at " + fromSite
            : restoredAtTarget ? "restored at " + toSite : "ABORTED, serving at " + fromSite + " again: " + failure));
    for (Phase phase : phases) {
      text.append(String.format("  %-14s %9.3f s %12d bytes%n", phase.name(), phase.micros() / 1e6, phase.bytes()));
    }
    if (ahead) {
      text.append(String.format("  pre-staging %.3f s, pre-transfer %.3f MB%n", handoffMicros / 1e6, preBytes / 1e6));
    } else {
      text.append(String.format("  handoff time %.3f s, downtime %.3f s, final transfer %.3f MB, final checkpoint %.3f MB%n",
          handoffMicros / 1e6, downtimeMicros / 1e6, finalBytes / 1e6, checkpointBytes / 1e6));
    }
    return text.toString();
  }
}
