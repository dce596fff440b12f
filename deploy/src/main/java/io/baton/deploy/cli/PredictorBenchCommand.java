package io.baton.deploy.cli;

import io.baton.broker.BrokerConfig;
import io.baton.deploy.bench.predictor.FcdTrace;
import io.baton.deploy.bench.predictor.PedestrianTraces;
import io.baton.deploy.bench.predictor.PredictorBench;
import io.baton.deploy.bench.predictor.SiteLayout;
import io.baton.deploy.bench.predictor.TracePoint;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.protocol.directory.SitePlacement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predictor", mixinStandardHelpOptions = true,
    description = "Replays a SUMO floating-car-data trace (or generated pedestrians) in simulated time and scores the mobility "
        + "predictor and its pre-staging against reactive and nearest-site baselines.")
final class PredictorBenchCommand implements Callable<Integer> {
  @Option(names = "--fcd", description = "SUMO --fcd-output file (.xml or .xml.gz)")
  Path fcd;

  @Option(names = "--sites", required = true, description = "JSON list of sites: id, x, y, txPowerDbm, pathLossExponent")
  Path sites;

  @Option(names = "--pedestrians", description = "instead of --fcd: this many random-waypoint walkers with pauses")
  Integer pedestrians;

  @Option(names = "--duration", description = "seconds of pedestrian trace (default ${DEFAULT-VALUE})", defaultValue = "1800")
  long durationSeconds;

  @Option(names = "--seed", description = "seed of shadowing and pedestrians (default ${DEFAULT-VALUE})", defaultValue = "1")
  long seed;

  @Option(names = "--shadowing", description = "dB of Gaussian shadowing per report (default ${DEFAULT-VALUE})", defaultValue = "2.0")
  double shadowing;

  @Option(names = "--report-ms", description = "telemetry period in ms (default ${DEFAULT-VALUE})", defaultValue = "200")
  long reportMs;

  @Option(names = "--state-mb", description = "service state to pre-stage, MB (default ${DEFAULT-VALUE})", defaultValue = "20")
  double stateMb;

  @Option(names = "--link-mbps", description = "site-to-site link bandwidth, Mbit/s (default ${DEFAULT-VALUE})", defaultValue = "100")
  double linkMbps;

  @Option(names = "--budget", description = "share of a link pre-staging may use (default ${DEFAULT-VALUE})", defaultValue = "0.5")
  double budget;

  @Option(names = "--lookahead-ms", description = "accuracy is judged this long before the trigger (default ${DEFAULT-VALUE})",
      defaultValue = "2000")
  long lookaheadMs;

  @Option(names = "--no-ablation", description = "only the combined predictor, not each model alone")
  boolean noAblation;

  @Option(names = "--out", description = "write the table to DIR/predictor-NAME.md")
  Path out;

  @Mixin
  TriggerOptions trigger;

  @Override
  public Integer call() throws Exception {
    if ((fcd == null) == (pedestrians == null)) {
      throw new IllegalArgumentException("give either --fcd FILE or --pedestrians N");
    }
    if (!(shadowing >= 0) || reportMs < 10 || !(stateMb > 0) || !(linkMbps > 0) || lookaheadMs < 0
        || (pedestrians != null && (pedestrians < 1 || durationSeconds < 60))) {
      throw new IllegalArgumentException("shadowing must not be negative, the report period at least 10 ms, state and link"
          + " positive, look-ahead not negative, pedestrians at least 1 over at least 60 s");
    }
    List<SitePlacement> placed = SiteLayout.read(sites);
    Map<String, List<TracePoint>> traces = fcd != null ? FcdTrace.read(fcd)
        : PedestrianTraces.generate(pedestrians, durationSeconds, placed, seed);
    if (traces.isEmpty()) {
      throw new IllegalArgumentException(fcd + " holds no vehicles");
    }
    String name = fcd != null ? fcd.getFileName().toString().replaceAll("(\\.fcd)?\\.xml(\\.gz)?$", "") : "pedestrians";
    PlannerConfig planner = PlannerConfig.defaults().withLink(budget, linkMbps * 1e6 / 8);
    BrokerConfig a3 = trigger.toConfig();
    PredictorBench.Result result = new PredictorBench(new PredictorBench.Options(name, reportMs, shadowing, seed, linkMbps, stateMb,
        lookaheadMs, a3, planner, !noAblation), System.out).run(traces, placed);
    if (out != null) {
      System.out.println("wrote " + PredictorBench.write(out, name, result.table()));
    }
    return 0;
  }
}
