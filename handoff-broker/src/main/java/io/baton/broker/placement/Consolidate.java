package io.baton.broker.placement;

import java.util.Comparator;
import java.util.Optional;

/**
 * Seed 001's Algorithm II, for energy: each service goes to the most-loaded green edge node that
 * it still fits, so the fewest nodes stay busy (the others could sleep), else to the cloud.
 */
public final class Consolidate implements PlacementPolicy {
  public static final String NAME = "consolidate";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Candidate> choose(PlacementRequest request, Demand demand, Reservations reservations) {
    Optional<Candidate> fullest = request.nodes().stream()
        .filter(n -> !n.cloud() && !n.name().equals(request.fromNode()))
        .sorted(Comparator.comparingDouble(reservations::cpu).reversed())
        .filter(n -> reservations.fits(n, demand.profile()))
        .findFirst();
    fullest.ifPresent(node -> reservations.take(node, demand.profile()));
    return fullest.or(() -> Reservations.cloud(request));
  }
}
