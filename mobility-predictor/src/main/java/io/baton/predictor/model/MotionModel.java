package io.baton.predictor.model;

import io.baton.predictor.PredictorConfig;
import io.baton.protocol.directory.SitePlacement;
import java.util.List;
import java.util.Optional;

/**
 * Dead reckoning against coverage: moves the client along its velocity over the horizon, turns
 * each position into the sites' expected levels (their path-loss model, plus the shadowing offset
 * measured now, fading out over {@code SHADOW_DECORRELATION_M} of travel), and runs the A3 rule on
 * them. The first site that would fire, and when, is its prediction. It looks {@code
 * HORIZON_METERS} ahead (at least the configured horizon in time) in steps of about {@code
 * STEP_METERS}, so a walker is followed as far as a car; a far firing weighs little, by distance.
 */
public final class MotionModel {
  private static final double STEP_METERS = 4;
  private static final double HORIZON_METERS = 400;
  private static final double MIN_SPEED_MPS = 0.3;
  private static final double SHADOW_DECORRELATION_M = 40;
  private static final double DECAY_METERS = 150;
  private static final double COVERAGE_SCALE_DB = 6.0;
  private static final double STOPPED_CONFIDENCE = 0.2;

  private final PredictorConfig config;
  private final List<SitePlacement> sites;

  public MotionModel(PredictorConfig config, List<SitePlacement> sites) {
    this.config = config;
    this.sites = List.copyOf(sites);
  }

  /**
   * Coverage where the client is now: the neighbour with the strongest expected level at its
   * position, weighted by how near that level is to beating the serving site by the hysteresis.
   * Geometry, not the measured levels, so shadowing noise does not flip it: the fallback when
   * nothing moves (a parked car, a walker waiting).
   */
  public Optional<SitePrediction> coverage(ClientState state) {
    MotionTrack motion = state.motion;
    if (Double.isNaN(motion.x()) || state.servingSite == null) {
      return Optional.empty();
    }
    double serving = Double.NaN;
    SitePlacement best = null;
    double bestLevel = Double.NEGATIVE_INFINITY;
    for (SitePlacement site : sites) {
      double level = site.meanRssiDbm(motion.x(), motion.y());
      if (site.siteId().equals(state.servingSite)) {
        serving = level;
      } else if (level > bestLevel) {
        best = site;
        bestLevel = level;
      }
    }
    if (best == null || Double.isNaN(serving)) {
      return Optional.empty();
    }
    double gap = bestLevel - serving - config.hysteresisDb();
    return Optional.of(new SitePrediction(best.siteId(), 1 / (1 + Math.exp(-gap / COVERAGE_SCALE_DB)), -1));
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
    long step = Math.max(50, Math.min(2_000, Math.round(STEP_METERS / speed * 1000)));
    long horizon = Math.max(config.horizonMs(), Math.min(10 * config.horizonMs(), Math.round(HORIZON_METERS / speed * 1000)));
    for (long t = step; t <= horizon; t += step) {
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
        long eta = candidateSince + config.timeToTriggerMs();
        double meters = speed * eta / 1000.0;
        return Optional.of(new SitePrediction(sites.get(best).siteId(), confidence * Math.exp(-meters / DECAY_METERS), eta));
      }
    }
    return Optional.empty();
  }
}
