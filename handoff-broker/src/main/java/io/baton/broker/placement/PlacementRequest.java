package io.baton.broker.placement;

import java.util.List;
import java.util.Map;

/**
 * What a policy decides on: the services of {@code fromNode} in order, the nodes there are, the
 * CPU percent a node must stay under ({@code thresholdPercent}), and where each client is predicted
 * to be next (client id to site; empty without a predictor).
 */
public record PlacementRequest(String fromNode, List<Demand> demands, List<Candidate> nodes, double thresholdPercent,
    Map<String, String> predictedSite) {

  public PlacementRequest {
    demands = List.copyOf(demands);
    nodes = List.copyOf(nodes);
    predictedSite = Map.copyOf(predictedSite);
  }
}
