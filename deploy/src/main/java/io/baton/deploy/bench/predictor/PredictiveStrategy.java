package io.baton.deploy.bench.predictor;

import io.baton.predictor.ForecastCombiner;
import io.baton.predictor.MobilityPredictor;
import io.baton.predictor.PredictorConfig;
import io.baton.predictor.plan.ArtifactSizes;
import io.baton.predictor.plan.LinkBandwidths;
import io.baton.predictor.plan.PlanDecisions;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.predictor.plan.PrestagePlanner;
import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.TelemetryReported;
import java.util.List;

/** The mobility predictor's models and its planner, exactly as the cluster runs them, on simulated time. */
public final class PredictiveStrategy implements Strategy {
  private static final long IDLE_MS = 10_000;

  private final String name;
  private final MobilityPredictor predictor;
  private final PrestagePlanner planner;

  public PredictiveStrategy(String name, PredictorConfig config, ForecastCombiner.Weights weights, List<SitePlacement> sites,
      PlannerConfig plannerConfig, double linkBytesPerSecond, long stateBytes, PrestageLinks links) {
    this.name = name;
    this.predictor = new MobilityPredictor(config, sites, weights);
    this.planner = new PrestagePlanner(plannerConfig, new LinkBandwidths(linkBytesPerSecond), new ArtifactSizes(stateBytes));
    links.onCompletion(planner::completed);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> observe(TelemetryReported report, PrestageLinks links) {
    Forecast forecast = predictor.observe(report, report.timestampMs()).orElse(null);
    if (forecast == null) {
      return List.of();
    }
    PlanDecisions decisions = planner.plan(report.clientId(), report.clientId() + "/service", report.servingSite(), forecast,
        report.timestampMs());
    decisions.cancelled().forEach(c -> links.cancel(c.prestageId()));
    decisions.started().forEach(s -> links.start(s.prestageId(), report.clientId(), s.sourceSite(), s.targetSite(),
        planner.active(report.clientId(), s.targetSite()).orElseThrow().bytes()));
    return forecast.candidates().stream().map(Forecast.Candidate::siteId).toList();
  }

  @Override
  public void tick(long nowMs, PrestageLinks links) {
    predictor.expireIdle(nowMs);
    planner.expireIdle(nowMs, IDLE_MS).forEach(c -> links.cancel(c.prestageId()));
  }
}
