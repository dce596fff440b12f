package io.baton.broker.placement;

/**
 * A node placement may use: its role and network, and its load now (CPU, RAM and GPU in percent;
 * GPU -1 where it has none).
 */
public record Candidate(String name, boolean cloud, String network, double cpuPercent, double ramPercent, double gpuPercent) {

  public static Candidate edge(String name, String network, double cpuPercent) {
    return new Candidate(name, false, network, cpuPercent, 0, -1);
  }

  public static Candidate cloud(String name, String network) {
    return new Candidate(name, true, network, 0, 0, -1);
  }
}
