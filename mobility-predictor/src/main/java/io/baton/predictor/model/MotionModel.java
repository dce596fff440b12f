package io.baton.predictor.model;

import io.baton.predictor.PredictorConfig;
import io.baton.protocol.directory.SitePlacement;
import java.util.List;
import java.util.Optional;

/**
 * Dead reckoning against coverage: moves the client along its velocity over the horizon, turns
 * each position into the sites' expected levels (their path-loss model, plus the shadowing offset
 * measured now, fading out over {@code SHADOW_DECORRELATION_M} of travel), and runs the A3 rule on
 * them. The first site that would fire, and when, is its prediction.
 */
public final class MotionModel {
  private static final long STEP_MS = 200;
  private static final double MIN_SPEED_MPS = 0.3;
  private static final double SHADOW_DECORRELATION_M = 40;
  private static final double TAU_MS = 12_000;
  private static final double STOPPED_CONFIDENCE = 0.5;

  private final PredictorConfig config;
  private final List<SitePlacement> sites;

  public MotionModel(PredictorConfig config, List<SitePlacement> sites) {
    this.config = config;
    this.sites = List.copyOf(sites);
  }

  public Optional<SitePrediction> predict(ClientState state) {
    MotionTrack motion = state.motion;
    // A client standing still is assumed to go on the way it last went, with less confidence.
    double vx = motion.moving() ? motion.vx() : motion.lastMovingVx();
    double vy = motion.moving() ? motion.vy() : motion.lastMovingVy();
    double speed = Math.hypot(vx, vy);
    double confidence = motion.moving() ? 1.0 : STOPPED_CONFIDENCE;
    if (speed < MIN_SPEED_MPS || state.servingSite == null) {
      return Optional.empty();
    }
    int n = sites.size();
    double[] offset = new double[n];
    int serving = -1;
    for (int i = 0; i < n; i++) {
      SitePlacement site = sites.get(i);
      SiteSignal measured = state.signals.get(site.siteId());
      offset[i] = measured == null ? 0 : measured.level() - site.meanRssiDbm(motion.x(), motion.y());
      if (site.siteId().equals(state.servingSite)) {
        serving = i;
      }
    }
    if (serving < 0) {
      return Optional.empty();
    }
    int candidate = -1;
    long candidateSince = 0;
    for (long t = STEP_MS; t <= config.horizonMs(); t += STEP_MS) {
      double px = motion.x() + vx * t / 1000.0;
      double py = motion.y() + vy * t / 1000.0;
      double fade = Math.exp(-speed * t / 1000.0 / SHADOW_DECORRELATION_M);
      double servingLevel = sites.get(serving).meanRssiDbm(px, py) + offset[serving] * fade;
      int best = -1;
      double bestLevel = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (i != serving) {
          double level = sites.get(i).meanRssiDbm(px, py) + offset[i] * fade;
          if (level > bestLevel) {
            best = i;
            bestLevel = level;
          }
        }
      }
      if (best < 0 || bestLevel <= servingLevel + config.hysteresisDb()) {
        candidate = -1;
        continue;
      }
      if (best != candidate) {
        candidate = best;
        candidateSince = t;
      }
      if (t - candidateSince >= config.timeToTriggerMs()) {
        long eta = Math.max(STEP_MS, candidateSince) + config.timeToTriggerMs();
        return Optional.of(new SitePrediction(sites.get(best).siteId(), confidence * Math.exp(-eta / TAU_MS), eta));
      }
    }
    return Optional.empty();
  }
}
