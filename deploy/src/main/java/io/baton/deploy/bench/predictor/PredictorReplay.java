package io.baton.deploy.bench.predictor;

import io.baton.protocol.event.TelemetryReported;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives one strategy through a scenario in simulated time and scores it. For each handoff: was
 * its target the strategy's first (or second) choice {@code lookaheadMs} before the trigger fired
 * (or, if the client had not been at its serving site that long, at its first forecast there);
 * for how long before the trigger fired had the target been the first choice without a break
 * (the lead time; 0 if it was not the first choice when the trigger fired); and was a pre-stage
 * complete at the target when the trigger fired.
 */
public final class PredictorReplay {
  private PredictorReplay() {
  }

  private record Guess(long timeMs, List<String> ranked) {
  }

  private static final class ClientRecord {
    final List<Guess> sinceServingChange = new ArrayList<>();
    String top1;
    long top1SinceMs;
  }

  public static Scorecard run(Scenario scenario, Strategy strategy, PrestageLinks links, long lookaheadMs, boolean predicts) {
    Map<String, ClientRecord> clients = new HashMap<>();
    int handoffs = 0;
    int top1 = 0;
    int top2 = 0;
    int hits = 0;
    List<Long> leads = new ArrayList<>();
    long nextTick = Long.MIN_VALUE;
    List<TelemetryReported> reports = scenario.reports();
    for (int i = 0; i < reports.size(); i++) {
      TelemetryReported report = reports.get(i);
      long now = report.timestampMs();
      links.advanceTo(now);
      if (now >= nextTick) {
        strategy.tick(now, links);
        nextTick = now + 1_000;
      }
      List<String> ranked = strategy.observe(report, links);
      ClientRecord record = clients.computeIfAbsent(report.clientId(), c -> new ClientRecord());
      String first = ranked.isEmpty() ? null : ranked.get(0);
      if (first == null || !first.equals(record.top1)) {
        record.top1 = first;
        record.top1SinceMs = now;
      }
      record.sinceServingChange.add(new Guess(now, ranked));

      Scenario.Handoff handoff = scenario.handoffAt(i);
      if (handoff == null) {
        continue;
      }
      handoffs++;
      Guess judged = judged(record.sinceServingChange, now - lookaheadMs);
      if (judged != null && !judged.ranked().isEmpty()) {
        top1 += judged.ranked().get(0).equals(handoff.toSite()) ? 1 : 0;
        top2 += judged.ranked().subList(0, Math.min(2, judged.ranked().size())).contains(handoff.toSite()) ? 1 : 0;
      }
      leads.add(handoff.toSite().equals(record.top1) ? now - record.top1SinceMs : 0);
      hits += links.handoff(handoff.clientId(), handoff.toSite()) ? 1 : 0;
      record.sinceServingChange.clear();
      record.top1 = null;
    }
    links.finish();
    return new Scorecard(strategy.name(), handoffs, top1, top2, leads, hits, links.wastedBytes(), links.usedBytes(),
        links.started(), predicts);
  }

  /** The latest guess made no later than {@code atMs}, else the earliest one. */
  private static Guess judged(List<Guess> guesses, long atMs) {
    Guess chosen = guesses.isEmpty() ? null : guesses.get(0);
    for (Guess guess : guesses) {
      if (guess.timeMs() <= atMs) {
        chosen = guess;
      } else {
        break;
      }
    }
    return chosen;
  }
}
