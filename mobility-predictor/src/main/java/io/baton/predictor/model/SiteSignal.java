package io.baton.predictor.model;

import java.util.ArrayDeque;

/**
 * One site's signal as one client hears it: the level smoothed exactly as the broker's trigger
 * smooths it (so a predicted crossing is the trigger's crossing), and a slope fitted by least
 * squares on the raw samples of the last window (smoothing lags; the fit does not).
 */
public final class SiteSignal {
  private static final int MAX_SAMPLES = 64;
  private static final double SIGNIFICANT_ERRORS = 2.0;

  private final double smoothing;
  private final long windowMs;
  private final ArrayDeque<double[]> samples = new ArrayDeque<>();
  private double level = Double.NaN;
  private long lastMs;

  public SiteSignal(double smoothing, long windowMs) {
    this.smoothing = smoothing;
    this.windowMs = windowMs;
  }

  public void add(long timeMs, double rssiDbm) {
    level = Double.isNaN(level) ? rssiDbm : smoothing * rssiDbm + (1 - smoothing) * level;
    lastMs = timeMs;
    samples.addLast(new double[] {timeMs, rssiDbm});
    while (samples.size() > MAX_SAMPLES || timeMs - (long) samples.peekFirst()[0] > windowMs) {
      samples.removeFirst();
    }
  }

  public double level() {
    return level;
  }

  public long lastMs() {
    return lastMs;
  }

  /**
   * dB per second; 0 until the window holds three samples spanning half a second, and 0 while the
   * fitted slope is within two standard errors of 0 (noise, not a trend: a walker's slope).
   */
  public double slopeDbPerSecond() {
    Fit fit = fit();
    return fit == null || Math.abs(fit.slope) < SIGNIFICANT_ERRORS * fit.slopeError ? 0 : fit.slope;
  }

  /** The scatter of the samples around their fitted trend (dB); NaN until there are enough samples. */
  public double noiseDb() {
    Fit fit = fit();
    return fit == null ? Double.NaN : fit.residualStd;
  }

  private record Fit(double slope, double slopeError, double residualStd) {
  }

  private Fit fit() {
    if (samples.size() < 4 || samples.peekLast()[0] - samples.peekFirst()[0] < 500) {
      return null;
    }
    double t0 = samples.peekFirst()[0];
    double n = samples.size();
    double sumT = 0;
    double sumR = 0;
    double sumTT = 0;
    double sumTR = 0;
    for (double[] s : samples) {
      double t = (s[0] - t0) / 1000.0;
      sumT += t;
      sumR += s[1];
      sumTT += t * t;
      sumTR += t * s[1];
    }
    double spreadT = sumTT - sumT * sumT / n;
    if (spreadT <= 0) {
      return null;
    }
    double slope = (sumTR - sumT * sumR / n) / spreadT;
    double intercept = (sumR - slope * sumT) / n;
    double squaredResiduals = 0;
    for (double[] s : samples) {
      double residual = s[1] - (intercept + slope * (s[0] - t0) / 1000.0);
      squaredResiduals += residual * residual;
    }
    double residualVariance = squaredResiduals / (n - 2);
    return new Fit(slope, Math.sqrt(residualVariance / spreadT), Math.sqrt(residualVariance));
  }
}
