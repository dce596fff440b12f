package io.baton.broker.placement;

import io.baton.broker.control.AppProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The quotas given to each node during one placement round, so services placed one after another
 * do not all land on a node that fits only the first (seed 001 adds each quota to the node's load).
 */
public final class Reservations {
  private final double thresholdPercent;
  private final Map<String, double[]> reserved = new HashMap<>();

  public Reservations(double thresholdPercent) {
    this.thresholdPercent = thresholdPercent;
  }

  /** CPU load the node has with what this round gave it. */
  public double cpu(Candidate node) {
    return node.cpuPercent() + of(node)[0];
  }

  /** An edge node that is green (not above the threshold) and keeps under it with the profile's quotas added. */
  public boolean fits(Candidate node, AppProfile profile) {
    double[] r = of(node);
    boolean green = node.cpuPercent() <= thresholdPercent;
    boolean cpu = node.cpuPercent() + r[0] + profile.cpuPercent() < thresholdPercent;
    boolean ram = node.ramPercent() + r[1] + profile.ramPercent() < 100;
    boolean gpu = profile.gpuPercent() == 0 || node.gpuPercent() >= 0 && node.gpuPercent() + r[2] + profile.gpuPercent() < 100;
    return green && cpu && ram && gpu;
  }

  public void take(Candidate node, AppProfile profile) {
    double[] r = of(node);
    r[0] += profile.cpuPercent();
    r[1] += profile.ramPercent();
    r[2] += profile.gpuPercent();
  }

  private double[] of(Candidate node) {
    return reserved.computeIfAbsent(node.name(), n -> new double[3]);
  }

  /** The first cloud node: the last resort, which takes whatever the edge cannot. */
  static Optional<Candidate> cloud(PlacementRequest request) {
    return request.nodes().stream().filter(Candidate::cloud).findFirst();
  }
}
