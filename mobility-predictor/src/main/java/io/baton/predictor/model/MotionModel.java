package io.baton.predictor.model;

import io.baton.predictor.PredictorConfig;
import io.baton.protocol.directory.SitePlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Dead reckoning against coverage, with the trigger's noise in it. It moves the client along its
 * velocity (a client standing still stays put), turns each position into the sites' expected
 * levels (path loss, plus the shadowing offset measured now, fading out over {@code
 * SHADOW_DECORRELATION_M} of travel), and asks at each step how likely the A3 rule is to fire for
 * each neighbour: the smoothed levels the trigger compares carry noise (estimated from the
 * client's own samples), so a neighbour 1.5 dB short of the hysteresis fires now and then, and
 * where several sites are nearly equal the first to fire is often not the one the means favour.
 * The result is, for each site, the probability that it fires first within the horizon and its
 * expected time. It looks {@code HORIZON_METERS} ahead (at least the configured horizon in time)
 * in steps of about {@code STEP_METERS}, so a walker is followed as far as a car; a far firing
 * weighs less, by distance.
 */
public final class MotionModel {
  private static final double STEP_METERS = 4;
  private static final double HORIZON_METERS = 400;
  private static final long STILL_STEP_MS = 1_000;
  private static final double MIN_SPEED_MPS = 0.3;
  private static final double SHADOW_DECORRELATION_M = 40;
  private static final double DECAY_METERS = 300;
  private static final double COVERAGE_SCALE_DB = 6.0;
  private static final double MIN_PROBABILITY = 0.01;

  private final PredictorConfig config;
  private final List<SitePlacement> sites;

  public MotionModel(PredictorConfig config, List<SitePlacement> sites) {
    this.config = config;
    this.sites = List.copyOf(sites);
  }

  /**
   * Coverage where the client is now: the neighbour with the strongest expected level at its
   * position, weighted by how near that level is to beating the serving site by the hysteresis.
   * Geometry, not the measured levels, so shadowing noise does not flip it.
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

  public List<SitePrediction> predict(ClientState state) {
    MotionTrack motion = state.motion;
    int n = sites.size();
    int serving = -1;
    for (int i = 0; i < n; i++) {
      if (sites.get(i).siteId().equals(state.servingSite)) {
        serving = i;
      }
    }
    if (serving < 0 || Double.isNaN(motion.x())) {
      return List.of();
    }
    boolean moving = motion.speed() >= MIN_SPEED_MPS;
    double vx = moving ? motion.vx() : 0;
    double vy = moving ? motion.vy() : 0;
    double speed = moving ? motion.speed() : 0;
    long step = moving ? Math.max(50, Math.min(2_000, Math.round(STEP_METERS / speed * 1000))) : STILL_STEP_MS;
    long horizon = moving
        ? Math.max(config.horizonMs(), Math.min(10 * config.horizonMs(), Math.round(HORIZON_METERS / speed * 1000)))
        : config.horizonMs();

    double[] offset = new double[n];
    for (int i = 0; i < n; i++) {
      SiteSignal measured = state.signals.get(sites.get(i).siteId());
      offset[i] = measured == null ? 0 : measured.level() - sites.get(i).meanRssiDbm(motion.x(), motion.y());
    }
    double period = Math.max(10, state.reportPeriodMs());
    // Noise of the difference of two smoothed levels: each EWMA keeps alpha / (2 - alpha) of a sample's variance.
    double alpha = config.smoothing();
    double gapNoise = Math.max(0.3, state.sampleNoiseDb() * Math.sqrt(2 * alpha / (2 - alpha)));
    // The condition must hold on this many reports in a row before the trigger fires.
    int reportsInARow = 1 + (int) Math.round(config.timeToTriggerMs() / period);

    double survival = 1;
    double[] first = new double[n];
    double[] firstTime = new double[n];
    double[] fire = new double[n];
    for (long t = step; t <= horizon && survival > 1e-4; t += step) {
      double px = motion.x() + vx * t / 1000.0;
      double py = motion.y() + vy * t / 1000.0;
      double fade = Math.exp(-speed * t / 1000.0 / SHADOW_DECORRELATION_M);
      double servingLevel = sites.get(serving).meanRssiDbm(px, py) + offset[serving] * fade;
      double total = 0;
      for (int i = 0; i < n; i++) {
        fire[i] = 0;
        if (i != serving) {
          double gap = sites.get(i).meanRssiDbm(px, py) + offset[i] * fade - servingLevel;
          fire[i] = Math.pow(normalCdf((gap - config.hysteresisDb()) / gapNoise), reportsInARow);
          total += fire[i];
        }
      }
      if (total <= 0) {
        continue;
      }
      double perReport = Math.min(1, total);
      double firedNow = survival * (1 - Math.pow(1 - perReport, step / period));
      for (int i = 0; i < n; i++) {
        if (fire[i] > 0) {
          double share = firedNow * fire[i] / total;
          first[i] += share;
          firstTime[i] += share * t;
        }
      }
      survival -= firedNow;
    }

    List<SitePrediction> out = new ArrayList<>();
    long confirmation = Math.round((reportsInARow - 1) * period);
    for (int i = 0; i < n; i++) {
      if (first[i] >= MIN_PROBABILITY) {
        long eta = Math.round(firstTime[i] / first[i]) + confirmation;
        double meters = speed * eta / 1000.0;
        out.add(new SitePrediction(sites.get(i).siteId(), first[i] * Math.exp(-meters / DECAY_METERS), eta));
      }
    }
    return out;
  }

  /** Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
  static double normalCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
        * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }
}
