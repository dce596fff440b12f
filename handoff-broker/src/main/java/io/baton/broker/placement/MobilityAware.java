package io.baton.broker.placement;

import java.util.Optional;

/**
 * Where the user is going: each service goes to the site its client is predicted to reach next if
 * that site fits it, else to the node nearest that site (its network first, then others, then the
 * cloud). A client without a prediction is placed as {@link NearestGreen} would.
 */
public final class MobilityAware implements PlacementPolicy {
  public static final String NAME = "mobility-aware";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Candidate> choose(PlacementRequest request, Demand demand, Reservations reservations) {
    String predicted = request.predictedSite().get(demand.clientId());
    String origin = predicted != null ? predicted : request.fromNode();
    return NearestGreen.nearest(request, NearestGreen.networkOf(request, origin), demand, reservations, predicted);
  }
}
