package io.baton.broker.placement;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Seed 001's Algorithm I, nearest first: each service goes to the least-loaded green edge node of
 * the overloaded node's own network that it fits, else to the least-loaded green node of another
 * network that it fits, else to the cloud.
 */
public final class NearestGreen implements PlacementPolicy {
  public static final String NAME = "nearest-green";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Candidate> choose(PlacementRequest request, Demand demand, Reservations reservations) {
    return nearest(request, networkOf(request, request.fromNode()), demand, reservations, null);
  }

  /** The {@code preferred} node if it fits, else the nearest to {@code network} that fits, else the cloud. */
  static Optional<Candidate> nearest(PlacementRequest request, String network, Demand demand, Reservations reservations,
      String preferred) {
    List<Candidate> edges = request.nodes().stream()
        .filter(n -> !n.cloud() && !n.name().equals(request.fromNode()))
        .sorted(Comparator.comparing((Candidate n) -> !n.name().equals(preferred))
            .thenComparing(n -> !n.network().equals(network))
            .thenComparingDouble(reservations::cpu))
        .toList();
    for (Candidate node : edges) {
      if (reservations.fits(node, demand.profile())) {
        reservations.take(node, demand.profile());
        return Optional.of(node);
      }
    }
    return Reservations.cloud(request);
  }

  static String networkOf(PlacementRequest request, String node) {
    return request.nodes().stream().filter(n -> n.name().equals(node)).map(Candidate::network).findFirst().orElse("");
  }
}
