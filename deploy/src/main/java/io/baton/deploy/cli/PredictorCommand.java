package io.baton.deploy.cli;

import io.baton.deploy.bench.predictor.SiteLayout;
import io.baton.predictor.MobilityPredictorVerticle;
import io.baton.predictor.PredictorConfig;
import io.baton.predictor.PredictorSetup;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.protocol.directory.SitePlacement;
import io.baton.deploy.ops.RunningMember;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predictor", mixinStandardHelpOptions = true,
    description = "Runs the mobility predictor as a cluster member: forecasts from telemetry, pre-stages on the predicted sites.")
final class PredictorCommand implements Callable<Integer> {
  @Mixin
  MemberOptions member;

  @Option(names = "--hysteresis", description = "the broker's A3 hysteresis, dB (default ${DEFAULT-VALUE})", defaultValue = "3.0")
  double hysteresisDb;

  @Option(names = "--time-to-trigger", description = "the broker's A3 time-to-trigger, ms (default ${DEFAULT-VALUE})",
      defaultValue = "320")
  long timeToTriggerMs;

  @Option(names = "--smoothing", description = "the broker's RSSI smoothing weight, 0-1 (default ${DEFAULT-VALUE})",
      defaultValue = "0.5")
  double smoothing;

  @Option(names = "--sites", required = true, description = "JSON list of sites: id, x, y, txPowerDbm, pathLossExponent")
  Path sites;

  @Option(names = "--state-mb", description = "state size assumed until a pre-stage measured it, MB (default ${DEFAULT-VALUE})",
      defaultValue = "20")
  double stateMb;

  @Override
  public Integer call() throws Exception {
    start().runUntilStopped();
    return 0;
  }

  /** Starts the predictor and returns once it listens. */
  RunningMember start() throws java.io.IOException {
    try {
      return startPredictor();
    } catch (RuntimeException | java.io.IOException e) {
      member.closeHealth();
      throw e;
    }
  }

  private RunningMember startPredictor() throws java.io.IOException {
    if (!(stateMb > 0)) {
      throw new IllegalArgumentException("--state-mb must be positive");
    }
    List<SitePlacement> placed = SiteLayout.read(sites);
    PredictorSetup setup = new PredictorSetup(PredictorConfig.matching(hysteresisDb, timeToTriggerMs, smoothing), placed, PlannerConfig.defaults(), Math.round(stateMb * 1e6));
    Vertx vertx = member.join(member.credentials("predictor"));
    vertx.deployVerticle(new MobilityPredictorVerticle(setup)).toCompletionStage().toCompletableFuture().join();
    System.out.printf("predictor up on %s: %d sites, hysteresis %.1f dB, time-to-trigger %d ms%n", member.host, placed.size(),
        hysteresisDb, timeToTriggerMs);
    return member.running("predictor", vertx, Future::succeededFuture);
  }
}
