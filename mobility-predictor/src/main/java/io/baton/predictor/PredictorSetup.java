package io.baton.predictor;

import io.baton.predictor.plan.PlannerConfig;
import io.baton.protocol.directory.SitePlacement;
import java.util.List;

/**
 * What a predictor member needs: its models' settings, the sites with their positions and radio
 * parameters, the planner's settings, and the state size assumed for an instance until one of its
 * pre-stages has measured it.
 */
public record PredictorSetup(PredictorConfig predictor, List<SitePlacement> sites, PlannerConfig planner, long defaultStateBytes) {
  public PredictorSetup {
    sites = List.copyOf(sites);
    if (sites.isEmpty() || defaultStateBytes <= 0) {
      throw new IllegalArgumentException("a predictor needs at least one site and a positive default state size");
    }
  }
}
