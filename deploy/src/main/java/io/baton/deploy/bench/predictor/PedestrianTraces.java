package io.baton.deploy.bench.predictor;

import io.baton.protocol.directory.SitePlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Walkers on the random-waypoint model with pauses, seeded: each picks a point in the sites'
 * bounding box, walks to it in a straight line at 0.8 to 1.6 m/s, waits 0 to 60 s, and picks the
 * next. No roads and long stops: nothing like a car, which is the point.
 */
public final class PedestrianTraces {
  private static final double MIN_SPEED = 0.8;
  private static final double MAX_SPEED = 1.6;
  private static final double MAX_PAUSE_S = 60;

  private PedestrianTraces() {
  }

  public static Map<String, List<TracePoint>> generate(int walkers, long durationSeconds, List<SitePlacement> sites, long seed) {
    double minX = sites.stream().mapToDouble(SitePlacement::x).min().orElseThrow();
    double maxX = sites.stream().mapToDouble(SitePlacement::x).max().orElseThrow();
    double minY = sites.stream().mapToDouble(SitePlacement::y).min().orElseThrow();
    double maxY = sites.stream().mapToDouble(SitePlacement::y).max().orElseThrow();
    Random random = new Random(seed);
    Map<String, List<TracePoint>> traces = new TreeMap<>();
    for (int w = 0; w < walkers; w++) {
      List<TracePoint> points = new ArrayList<>();
      double x = minX + random.nextDouble() * (maxX - minX);
      double y = minY + random.nextDouble() * (maxY - minY);
      double heading = 0;
      long t = 0;
      while (t <= durationSeconds) {
        double tx = minX + random.nextDouble() * (maxX - minX);
        double ty = minY + random.nextDouble() * (maxY - minY);
        double speed = MIN_SPEED + random.nextDouble() * (MAX_SPEED - MIN_SPEED);
        heading = (Math.toDegrees(Math.atan2(tx - x, ty - y)) + 360) % 360;
        double distance = Math.hypot(tx - x, ty - y);
        long walkSeconds = (long) Math.ceil(distance / speed);
        for (long s = 0; s < walkSeconds && t <= durationSeconds; s++, t++) {
          double along = Math.min(1, s * speed / distance);
          points.add(new TracePoint(t * 1000, x + (tx - x) * along, y + (ty - y) * along, speed, heading));
        }
        x = tx;
        y = ty;
        long pause = (long) (random.nextDouble() * MAX_PAUSE_S);
        for (long s = 0; s < pause && t <= durationSeconds; s++, t++) {
          points.add(new TracePoint(t * 1000, x, y, 0, heading));
        }
      }
      traces.put("walker-" + w, points);
    }
    return traces;
  }
}
