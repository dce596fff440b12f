package io.baton.broker.placement;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the services of an overloaded node go. Services are placed one at a time, in the order
 * the demands came, each seeing the quotas given to the ones before it. The answer maps client ids
 * to target nodes; a client missing from it stays (nothing fits, and there is no cloud).
 */
public interface PlacementPolicy {

  String name();

  /** The node for one service; a chosen edge node must take the demand's quotas in {@code reservations}. */
  Optional<Candidate> choose(PlacementRequest request, Demand demand, Reservations reservations);

  default Map<String, String> place(PlacementRequest request) {
    Reservations reservations = new Reservations(request.thresholdPercent());
    Map<String, String> targets = new LinkedHashMap<>();
    for (Demand demand : request.demands()) {
      choose(request, demand, reservations).ifPresent(node -> targets.put(demand.clientId(), node.name()));
    }
    return targets;
  }

  /** nearest-green, consolidate or mobility-aware. */
  static PlacementPolicy named(String name) {
    return switch (name) {
      case NearestGreen.NAME -> new NearestGreen();
      case Consolidate.NAME -> new Consolidate();
      case MobilityAware.NAME -> new MobilityAware();
      default -> throw new IllegalArgumentException("unknown placement policy '" + name + "'; use " + NearestGreen.NAME + ", "
          + Consolidate.NAME + " or " + MobilityAware.NAME);
    };
  }
}
