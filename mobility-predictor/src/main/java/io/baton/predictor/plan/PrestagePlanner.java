package io.baton.predictor.plan;

import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.PrestageCancelled;
import io.baton.protocol.event.PrestageRequested;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns forecasts into pre-stages. A likely candidate is staged when its ETA comes within the time
 * its artifacts need to cross the link (at the pre-stage's share of the link's measured bandwidth,
 * split among the pre-stages already running on it), so the state arrives before the handoff and
 * not much earlier; a pre-stage whose target stopped being likely is cancelled; when the client's
 * serving site changes, the pre-stage at the new site was used and every other one is cancelled.
 * Single-threaded: the caller owns it (one verticle, or a replay).
 */
public final class PrestagePlanner {
  private final PlannerConfig config;
  private final LinkBandwidths bandwidths;
  private final ArtifactSizes sizes;
  private final Map<String, ClientPlan> clients = new HashMap<>();
  private final Map<String, ActivePrestage> byId = new HashMap<>();
  private final Map<String, Integer> runningOnLink = new HashMap<>();
  private long sequence;

  public PrestagePlanner(PlannerConfig config, LinkBandwidths bandwidths, ArtifactSizes sizes) {
    this.config = config;
    this.bandwidths = bandwidths;
    this.sizes = sizes;
  }

  /** One client's pre-stages by target site, and the serving site they are staged from. */
  private static final class ClientPlan {
    String servingSite;
    long lastPlannedMs;
    final Map<String, ActivePrestage> byTarget = new LinkedHashMap<>();
    /** Since when each candidate has been likely enough to stage, without a break. */
    final Map<String, Long> likelySinceMs = new HashMap<>();
  }

  public PlanDecisions plan(String clientId, String instanceId, String servingSite, Forecast forecast, long nowMs) {
    ClientPlan plan = clients.computeIfAbsent(clientId, id -> new ClientPlan());
    List<PrestageCancelled> cancelled = new ArrayList<>();
    if (plan.servingSite != null && !plan.servingSite.equals(servingSite)) {
      cancelled.addAll(servingChanged(plan, servingSite));
    }
    plan.servingSite = servingSite;
    plan.lastPlannedMs = nowMs;

    Iterator<ActivePrestage> running = plan.byTarget.values().iterator();
    while (running.hasNext()) {
      ActivePrestage active = running.next();
      double p = probabilityOf(forecast, active.targetSite);
      if (p >= config.cancelProbability()) {
        active.lastLikelyMs = nowMs;
      } else if (nowMs - active.lastLikelyMs > config.cancelGraceMs()) {
        running.remove();
        cancelled.add(cancel(active, String.format("unlikely now (p=%.2f)", p)));
      }
    }

    plan.likelySinceMs.keySet().removeIf(site -> probabilityOf(forecast, site) < config.startProbability());
    forecast.candidates().stream().filter(c -> c.probability() >= config.startProbability())
        .forEach(c -> plan.likelySinceMs.putIfAbsent(c.siteId(), nowMs));

    List<PrestageRequested> started = new ArrayList<>();
    for (Forecast.Candidate candidate : forecast.candidates()) {
      if (plan.byTarget.size() >= config.maxTargetsPerClient()) {
        break;
      }
      if (candidate.probability() < config.startProbability() || candidate.siteId().equals(servingSite)
          || plan.byTarget.containsKey(candidate.siteId())
          || nowMs - plan.likelySinceMs.getOrDefault(candidate.siteId(), nowMs) < config.confirmMs()) {
        continue;
      }
      String link = servingSite + ">" + candidate.siteId();
      int onLink = runningOnLink.getOrDefault(link, 0);
      long bytes = sizes.bytesOf(instanceId);
      double share = config.budgetShare() * bandwidths.bytesPerSecond(servingSite, candidate.siteId()) / (onLink + 1);
      double transferMs = bytes / share * 1000;
      if (onLink >= config.maxPerLink() || candidate.etaMs() > config.safetyFactor() * transferMs + config.marginMs()) {
        continue;
      }
      ActivePrestage active = new ActivePrestage("prestage-" + clientId + "-" + (++sequence), clientId, instanceId, servingSite,
          candidate.siteId(), bytes, nowMs);
      plan.byTarget.put(candidate.siteId(), active);
      byId.put(active.prestageId, active);
      runningOnLink.merge(link, 1, Integer::sum);
      started.add(new PrestageRequested(active.prestageId, instanceId, servingSite, candidate.siteId(), List.of(PrestageRequested.MEMORY_PAGES),
          forecast.issuedAtMs() + candidate.etaMs()));
    }
    return new PlanDecisions(started, cancelled);
  }

  private List<PrestageCancelled> servingChanged(ClientPlan plan, String newServing) {
    List<PrestageCancelled> cancelled = new ArrayList<>();
    ActivePrestage used = plan.byTarget.remove(newServing);
    if (used != null) {
      finish(used);
    }
    plan.byTarget.values().forEach(active -> cancelled.add(cancel(active, "the client moved to " + newServing)));
    plan.byTarget.clear();
    plan.likelySinceMs.clear();
    return cancelled;
  }

  /** The target reports the pre-stage's artifacts arrived: the link's bandwidth and the state's size are measured. */
  public void completed(String prestageId, long bytes, long transferMicros, long nowMs) {
    ActivePrestage active = byId.get(prestageId);
    if (active == null || active.completed()) {
      return;
    }
    active.completedMs = nowMs;
    release(active);
    bandwidths.measured(active.sourceSite, active.targetSite, bytes, transferMicros);
    sizes.measured(active.instanceId, bytes);
  }

  /** Cancels every pre-stage of clients not planned for {@code idleMs}: they left, or their telemetry stopped. */
  public List<PrestageCancelled> expireIdle(long nowMs, long idleMs) {
    List<PrestageCancelled> cancelled = new ArrayList<>();
    clients.values().removeIf(plan -> {
      if (nowMs - plan.lastPlannedMs <= idleMs) {
        return false;
      }
      plan.byTarget.values().forEach(active -> cancelled.add(cancel(active, "client idle")));
      return true;
    });
    return cancelled;
  }

  public Optional<ActivePrestage> active(String clientId, String targetSite) {
    return Optional.ofNullable(clients.get(clientId)).map(plan -> plan.byTarget.get(targetSite));
  }

  public int running() {
    return byId.size();
  }

  private PrestageCancelled cancel(ActivePrestage active, String reason) {
    finish(active);
    return new PrestageCancelled(active.prestageId, active.instanceId, active.sourceSite, active.targetSite, reason);
  }

  private void finish(ActivePrestage active) {
    release(active);
    byId.remove(active.prestageId);
  }

  /** Frees the pre-stage's share of its link, once: when it completed or when it ended, whichever comes first. */
  private void release(ActivePrestage active) {
    if (active.holdsLinkShare) {
      active.holdsLinkShare = false;
      runningOnLink.computeIfPresent(active.sourceSite + ">" + active.targetSite, (k, n) -> n > 1 ? n - 1 : null);
    }
  }

  private static double probabilityOf(Forecast forecast, String siteId) {
    return forecast.candidates().stream().filter(c -> c.siteId().equals(siteId)).mapToDouble(Forecast.Candidate::probability)
        .findFirst().orElse(0);
  }
}
