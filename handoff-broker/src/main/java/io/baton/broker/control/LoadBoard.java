package io.baton.broker.control;

import io.baton.protocol.event.NodeLoad;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The latest load every node reported, with the overload threshold that colours it: a node whose
 * CPU is above the threshold is red (seed 001: 50%). Reports older than three periods count as
 * silence: the node is shown as unknown and placement does not use it.
 */
public final class LoadBoard {
  private final Map<String, NodeLoad> latest = new TreeMap<>();
  private final double thresholdPercent;
  private final long staleAfterMs;

  public LoadBoard(double thresholdPercent, long staleAfterMs) {
    this.thresholdPercent = thresholdPercent;
    this.staleAfterMs = staleAfterMs;
  }

  public synchronized void record(NodeLoad load) {
    NodeLoad previous = latest.get(load.node());
    if (previous == null || previous.timestampMs() <= load.timestampMs()) {
      latest.put(load.node(), load);
    }
  }

  /** The node's load if it reported recently. */
  public synchronized Optional<NodeLoad> current(String node, long nowMs) {
    return Optional.ofNullable(latest.get(node)).filter(load -> nowMs - load.timestampMs() <= staleAfterMs);
  }

  public synchronized Map<String, NodeLoad> all() {
    return new TreeMap<>(latest);
  }

  public double thresholdPercent() {
    return thresholdPercent;
  }

  public boolean overloaded(NodeLoad load) {
    return load.cpuPercent() > thresholdPercent;
  }
}
