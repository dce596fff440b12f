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
    if (samples.size() < 3 || samples.peekLast()[0] - samples.peekFirst()[0] < 500) {
      return 0;
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
    double denominator = n * sumTT - sumT * sumT;
    if (denominator <= 0) {
      return 0;
    }
    double slope = (n * sumTR - sumT * sumR) / denominator;
    double intercept = (sumR - slope * sumT) / n;
    double squaredResiduals = 0;
    for (double[] s : samples) {
      double t = (s[0] - t0) / 1000.0;
      double residual = s[1] - (intercept + slope * t);
      squaredResiduals += residual * residual;
    }
    double spreadT = sumTT - sumT * sumT / n;
    double standardError = n > 2 ? Math.sqrt(squaredResiduals / (n - 2) / spreadT) : Double.POSITIVE_INFINITY;
    return Math.abs(slope) >= SIGNIFICANT_ERRORS * standardError ? slope : 0;
  }
}
