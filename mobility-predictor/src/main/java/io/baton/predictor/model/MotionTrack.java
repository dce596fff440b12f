package io.baton.predictor.model;

import java.util.ArrayDeque;

/**
 * A client's recent positions and its velocity: from the reported speed and heading (compass
 * degrees, 0 = north, 90 = east, as SUMO writes them) when both are known, otherwise from the
 * displacement over the last few seconds.
 */
public final class MotionTrack {
  private static final long WINDOW_MS = 3_000;
  private static final int MAX_POINTS = 32;

  private final ArrayDeque<double[]> points = new ArrayDeque<>();
  private double vx;
  private double vy;

  public void add(long timeMs, double x, double y, double speedMps, double headingDeg) {
    points.addLast(new double[] {timeMs, x, y});
    while (points.size() > MAX_POINTS || timeMs - (long) points.peekFirst()[0] > WINDOW_MS) {
      points.removeFirst();
    }
    if (Double.isFinite(speedMps) && Double.isFinite(headingDeg)) {
      double rad = Math.toRadians(headingDeg);
      vx = speedMps * Math.sin(rad);
      vy = speedMps * Math.cos(rad);
    } else if (points.size() >= 2) {
      double[] first = points.peekFirst();
      double seconds = (timeMs - first[0]) / 1000.0;
      vx = seconds > 0 ? (x - first[1]) / seconds : 0;
      vy = seconds > 0 ? (y - first[2]) / seconds : 0;
    }
  }

  public double x() {
    return points.isEmpty() ? Double.NaN : points.peekLast()[1];
  }

  public double y() {
    return points.isEmpty() ? Double.NaN : points.peekLast()[2];
  }

  public double vx() {
    return vx;
  }

  public double vy() {
    return vy;
  }

  public double speed() {
    return Math.hypot(vx, vy);
  }
}
