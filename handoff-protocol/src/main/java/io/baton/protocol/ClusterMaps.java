package io.baton.protocol;

/**
 * Cluster-wide maps that one module owns but every member must configure alike (backups are a
 * member's configuration, not the map's), so their names are part of the shared contract.
 */
public final class ClusterMaps {
  /** The broker's replicated saga journal. */
  public static final String HANDOFF_JOURNAL = "baton.handoffs";

  private ClusterMaps() {
  }
}
