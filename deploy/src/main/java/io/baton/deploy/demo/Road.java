package io.baton.deploy.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A straight road along the x axis with sites beside it every {@code spacingMeters}, the first at
 * x = 0, each {@code offsetMeters} from the road. The drive starts before the first site and ends
 * past the last.
 */
public record Road(List<String> siteIds, double spacingMeters, double offsetMeters) {

  public double siteX(int index) {
    return index * spacingMeters;
  }

  public double startX() {
    return -spacingMeters / 4;
  }

  public double endX() {
    return siteX(siteIds.size() - 1) + spacingMeters / 4;
  }

  public double lengthMeters() {
    return endX() - startX();
  }

  /** Distance from a vehicle at {@code x} on the road to every site. */
  public Map<String, Double> distances(double x) {
    Map<String, Double> distances = new LinkedHashMap<>();
    for (int i = 0; i < siteIds.size(); i++) {
      distances.put(siteIds.get(i), Math.hypot(x - siteX(i), offsetMeters));
    }
    return distances;
  }
}
