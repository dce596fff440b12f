package io.baton.deploy.demo;

import io.baton.client.CallResult;
import java.util.List;

/**
 * What one simulated client saw: every answered call and how many were sent and failed.
 * {@code failures} holds the reason of each call that failed (after the SDK gave up holding it).
 */
public record DriveReport(long sent, List<CallResult> answered, List<String> failures, double seconds) {

  public long lost() {
    return sent - answered.size();
  }

  public long heldCalls() {
    return answered.stream().filter(r -> r.attempts() > 1).count();
  }

  public double maxLatencyMillis() {
    return answered.stream().mapToLong(CallResult::latencyNanos).max().orElse(0) / 1e6;
  }
}
