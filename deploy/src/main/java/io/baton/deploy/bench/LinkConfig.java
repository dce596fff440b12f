package io.baton.deploy.bench;

import io.baton.protocol.directory.LinkProfile;
import java.util.List;

/** One of seed 000's configurations: a network (throughput, RTT) and a page dirtying rate. */
public record LinkConfig(String name, double mbps, double rttMillis, int dirtyKiBPerSecond) {

  /** Seed 000, Table 2 and 3: mobility 11.34 Mbps / 122.95 ms, management 72.41 Mbps / 6.94 ms; 10 and 500 KB/s. */
  public static List<LinkConfig> seed000() {
    return List.of(
        new LinkConfig("A", 11.34, 122.95, 10),
        new LinkConfig("B", 11.34, 122.95, 500),
        new LinkConfig("C", 72.41, 6.94, 10),
        new LinkConfig("D", 72.41, 6.94, 500));
  }

  public LinkProfile profile() {
    return LinkProfile.ofMbps(mbps, rttMillis);
  }
}
