package io.baton.deploy.bench.predictor;

import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.TelemetryReported;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Baseline: the next site is the nearest site other than the serving one, right now, and the
 * service is kept staged there (a new nearest site cancels the old pre-stage and starts a new one).
 */
public final class NearestSiteStrategy implements Strategy {
  private static final long IDLE_MS = 10_000;

  private final List<SitePlacement> sites;
  private final long stateBytes;
  private final Map<String, String[]> stagedAt = new HashMap<>();
  private final Map<String, Long> lastSeen = new HashMap<>();
  private long sequence;

  public NearestSiteStrategy(List<SitePlacement> sites, long stateBytes) {
    this.sites = sites;
    this.stateBytes = stateBytes;
  }

  @Override
  public String name() {
    return "nearest site now";
  }

  @Override
  public List<String> observe(TelemetryReported report, PrestageLinks links) {
    lastSeen.put(report.clientId(), report.timestampMs());
    List<String> ranked = sites.stream()
        .filter(s -> !s.siteId().equals(report.servingSite()))
        .sorted(Comparator.comparingDouble(s -> s.distanceTo(report.x(), report.y())))
        .map(SitePlacement::siteId)
        .limit(2)
        .toList();
    if (ranked.isEmpty()) {
      return ranked;
    }
    String[] staged = stagedAt.get(report.clientId());
    if (staged == null || !staged[1].equals(ranked.get(0)) || !staged[2].equals(report.servingSite())) {
      if (staged != null && !staged[1].equals(report.servingSite())) {
        links.cancel(staged[0]);
      }
      String id = "nearest-" + (++sequence);
      links.start(id, report.clientId(), report.servingSite(), ranked.get(0), stateBytes);
      stagedAt.put(report.clientId(), new String[] {id, ranked.get(0), report.servingSite()});
    }
    return ranked;
  }

  @Override
  public void tick(long nowMs, PrestageLinks links) {
    lastSeen.entrySet().removeIf(e -> {
      if (nowMs - e.getValue() <= IDLE_MS) {
        return false;
      }
      String[] staged = stagedAt.remove(e.getKey());
      if (staged != null) {
        links.cancel(staged[0]);
      }
      return true;
    });
  }
}
