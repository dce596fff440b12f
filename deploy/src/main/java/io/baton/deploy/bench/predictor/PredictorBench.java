package io.baton.deploy.bench.predictor;

import io.baton.broker.BrokerConfig;
import io.baton.predictor.ForecastCombiner;
import io.baton.predictor.PredictorConfig;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.protocol.directory.SitePlacement;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code baton bench predictor}: one trace, one site list, the predictor (combined, and each model
 * alone) side by side with two baselines (reactive; nearest site now), all on the same scenario
 * (same noise, same handoffs). Prints a Markdown table and, with an output directory, writes it.
 */
public final class PredictorBench {
  /** The run's settings. */
  public record Options(String traceName, long periodMs, double shadowingDb, long seed, double linkMbps, double stateMb,
      long lookaheadMs, BrokerConfig trigger, PlannerConfig planner, boolean ablation) {
  }

  /** The scores and the table that shows them. */
  public record Result(List<Scorecard> cards, String table) {
  }

  private final Options options;
  private final PrintStream out;

  public PredictorBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Result run(Map<String, List<TracePoint>> traces, List<SitePlacement> sites) {
    long startNanos = System.nanoTime();
    Scenario scenario = Scenario.build(traces, sites, options.periodMs(), options.shadowingDb(), options.seed(), options.trigger());
    double linkBytesPerSecond = options.linkMbps() * 1e6 / 8;
    long stateBytes = Math.round(options.stateMb() * 1e6);
    double budget = linkBytesPerSecond * options.planner().budgetShare();
    PredictorConfig config = PredictorConfig.matching(options.trigger().hysteresisDb(), options.trigger().timeToTriggerMs(),
        options.trigger().smoothing());

    List<Scorecard> cards = new ArrayList<>();
    cards.add(PredictorReplay.run(scenario, new ReactiveStrategy(), new PrestageLinks(budget), options.lookaheadMs(), false));
    cards.add(PredictorReplay.run(scenario, new NearestSiteStrategy(sites, stateBytes), new PrestageLinks(budget),
        options.lookaheadMs(), true));
    List<String> variants = options.ablation() ? List.of("combined", "signal", "motion", "transitions", "coverage") : List.of("combined");
    for (String variant : variants) {
      PrestageLinks links = new PrestageLinks(budget);
      ForecastCombiner.Weights weights = variant.equals("combined") ? ForecastCombiner.Weights.defaults()
          : ForecastCombiner.Weights.only(variant);
      cards.add(PredictorReplay.run(scenario, new PredictiveStrategy("predictor (" + variant + ")", config, weights, sites,
          options.planner(), linkBytesPerSecond, stateBytes, links), links, options.lookaheadMs(), true));
    }
    String table = table(scenario, traces.size(), sites.size(), cards, (System.nanoTime() - startNanos) / 1e9);
    out.println(table);
    return new Result(cards, table);
  }

  String table(Scenario scenario, int movers, int siteCount, List<Scorecard> cards, double seconds) {
    StringBuilder t = new StringBuilder();
    t.append(String.format("Trace %s: %d movers, %d sites, %d reports (every %d ms), %d handoffs (A3: %.1f dB, %d ms);%n",
        options.traceName(), movers, siteCount, scenario.reports().size(), options.periodMs(), scenario.handoffCount(),
        options.trigger().hysteresisDb(), options.trigger().timeToTriggerMs()));
    t.append(String.format("shadowing %.1f dB (seed %d); state %.1f MB over %.0f Mbit/s links, %.0f%% for pre-staging; "
        + "accuracy judged %d ms before the trigger; replayed in %.1f s.%n%n", options.shadowingDb(), options.seed(),
        options.stateMb(), options.linkMbps(), 100 * options.planner().budgetShare(), options.lookaheadMs(), seconds));
    t.append("| strategy | top-1 | top-2 | lead mean s | lead p10 s | pre-staged at trigger | wasted MB | used MB | pre-stages |\n");
    t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Scorecard c : cards) {
      t.append(String.format("| %s | %s | %s | %s | %s | %.1f%% | %.1f | %.1f | %d |%n", c.strategy(),
          c.predicts() ? String.format("%.1f%%", 100 * c.top1Accuracy()) : "-",
          c.predicts() ? String.format("%.1f%%", 100 * c.top2Accuracy()) : "-",
          c.predicts() ? String.format("%.2f", c.meanLeadSeconds()) : "-",
          c.predicts() ? String.format("%.2f", c.p10LeadSeconds()) : "-",
          100 * c.hitRate(), c.wastedBytes() / 1e6, c.usedBytes() / 1e6, c.prestagesStarted()));
    }
    return t.toString();
  }

  /** Writes a run's table as {@code predictor-NAME.md}. */
  public static Path write(Path dir, String name, String table) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("predictor-" + name + ".md");
    Files.writeString(file, table);
    return file;
  }
}
