package io.baton.deploy.bench;

import io.baton.deploy.bench.FailoverDrill.KillPoint;
import io.baton.deploy.bench.FailoverDrill.Outcome;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Failover time: from the SIGKILL of the broker that owns a handoff to the end of that handoff at
 * another broker (HandoffCompleted or HandoffAborted on the bus). Each run kills at the next kill
 * point in turn, so committed and uncommitted handoffs alternate; every run also checks that the
 * client's calls were each answered exactly once.
 */
public final class FailoverBench {
  private final int runs;
  private final String prefix;
  private final PrintStream out;

  public FailoverBench(int runs, String prefix, PrintStream out) {
    this.runs = runs;
    this.prefix = prefix;
    this.out = out;
  }

  /** Runs the drills; true if every run was taken over and lost no call. */
  public boolean run() throws Exception {
    List<Double> millis = new ArrayList<>();
    boolean allOk = true;
    out.printf("%4s %-15s %-13s %-13s %-9s %6s %10s %12s%n", "run", "kill point", "killed", "taken over by", "outcome", "calls",
        "claim ms", "failover ms");
    try (FailoverDrill drill = FailoverDrill.start(prefix, 2)) {
      KillPoint[] points = KillPoint.values();
      for (int run = 1; run <= runs; run++) {
        KillPoint point = points[(run - 1) % points.length];
        Outcome outcome = drill.run("bench-failover-" + run, point, 2);
        int calls = outcome.calls().size();
        boolean exactlyOnce = outcome.sortedValues().equals(LongStream.rangeClosed(1, calls).boxed().toList());
        boolean ok = exactlyOnce && outcome.entry().takeovers() == 1 && !outcome.record().inHandoff();
        allOk &= ok;
        millis.add(outcome.failoverMillis());
        out.printf("%4d %-15s %-13s %-13s %-9s %6d %10d %12.0f%s%n", run, point, outcome.killedBroker(),
            outcome.entry().ownerName(), outcome.completed() ? "completed" : "aborted", calls, outcome.claimedAfterMs(),
            outcome.failoverMillis(), ok ? "" : "  FAILED");
      }
    }
    double mean = millis.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double max = millis.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    out.printf("failover over %d runs: mean %.0f ms, max %.0f ms%n", millis.size(), mean, max);
    return allOk;
  }
}
