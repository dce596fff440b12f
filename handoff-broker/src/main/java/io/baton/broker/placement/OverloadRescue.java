package io.baton.broker.placement;

import io.baton.broker.HandoffBrokerVerticle;
import io.baton.broker.control.AppProfile;
import io.baton.broker.control.ControlService;
import io.baton.broker.control.LoadBoard;
import io.baton.broker.control.NodeInfo;
import io.baton.protocol.Addresses;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.NodeLoad;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the services off a node whose CPU went above the threshold, as a moving user moves its
 * own: the policy picks a target per service among the registered nodes that run an agent (edge
 * nodes with a fresh load report; cloud nodes always), and each move is an ordinary handoff. A node
 * is rescued at most once per cooldown, so the next load reports can show the effect first.
 */
public final class OverloadRescue {
  /** Published after each decision: {"node", "policy", "targets": {clientId: node}}. */
  public static final String DECIDED = "baton.placement.decided";
  private static final Logger LOG = LoggerFactory.getLogger(OverloadRescue.class);
  private static final AppProfile NO_PROFILE = new AppProfile("none", 0, 0, 0);

  private final Vertx vertx;
  private final ControlService control;
  private final HandoffBrokerVerticle broker;
  private final PlacementPolicy policy;
  private final LoadBoard loads;
  private final long cooldownMs;
  private final Map<String, Long> lastRescue = new HashMap<>();
  private final Map<String, String> predicted = new HashMap<>();
  private final ClientDirectory clients;
  private final SiteDirectory sites;

  public OverloadRescue(Vertx vertx, ControlService control, HandoffBrokerVerticle broker, PlacementPolicy policy, long cooldownMs) {
    this.vertx = vertx;
    this.control = control;
    this.broker = broker;
    this.policy = policy;
    this.loads = control.loads();
    this.cooldownMs = cooldownMs;
    this.clients = new ClientDirectory(vertx);
    this.sites = new SiteDirectory(vertx);
  }

  public Future<Void> start() {
    return Future.all(
        vertx.eventBus().<NodeLoad>consumer(Addresses.NODE_LOAD, m -> onLoad(m.body())).completion(),
        vertx.eventBus().<Forecast>consumer(Addresses.FORECAST, m -> onForecast(m.body())).completion()).mapEmpty();
  }

  private void onForecast(Forecast forecast) {
    if (!forecast.candidates().isEmpty()) {
      if (predicted.size() > 10_000) {
        predicted.clear();
      }
      predicted.put(forecast.clientId(), forecast.candidates().get(0).siteId());
    }
  }

  private void onLoad(NodeLoad load) {
    loads.record(load);
    long now = System.currentTimeMillis();
    // The board's reading, not this message's: reports can arrive out of order.
    boolean overloaded = loads.current(load.node(), now).filter(loads::overloaded).isPresent();
    if (!overloaded || now - lastRescue.getOrDefault(load.node(), Long.MIN_VALUE / 2) < cooldownMs) {
      return;
    }
    lastRescue.put(load.node(), now);
    rescue(load.node())
        .onFailure(failure -> LOG.warn("cannot rescue the services of overloaded {}: {}", load.node(), failure.getMessage()));
  }

  /** Places the services running on {@code node} elsewhere and starts their handoffs. */
  public Future<Map<String, String>> rescue(String node) {
    return Future.all(control.nodeList(), sites.all(), clients.all()).compose(all -> {
      List<NodeInfo> registered = all.resultAt(0);
      Map<String, ?> running = all.resultAt(1);
      Map<String, ClientRecord> records = all.resultAt(2);
      if (registered.stream().noneMatch(n -> n.name().equals(node) && n.role() == NodeInfo.Role.EDGE)) {
        return Future.succeededFuture(Map.<String, String>of());
      }
      List<Candidate> candidates = candidates(registered, running.keySet());
      List<ClientRecord> here = records.values().stream().filter(r -> r.site().equals(node) && !r.inHandoff()).toList();
      List<Future<Demand>> demands = new ArrayList<>();
      here.forEach(r -> demands.add(control.profileOf(r.clientId()).map(p -> new Demand(r.clientId(), p == null ? NO_PROFILE : p))));
      return Future.all(demands).map(done -> {
        List<Demand> ordered = new ArrayList<>();
        for (int i = 0; i < demands.size(); i++) {
          ordered.add(done.resultAt(i));
        }
        Map<String, String> targets = policy.place(new PlacementRequest(node, ordered, candidates, loads.thresholdPercent(),
            predicted));
        vertx.eventBus().publish(DECIDED, new JsonObject().put("node", node).put("policy", policy.name())
            .put("targets", new JsonObject(new HashMap<>(targets))));
        targets.forEach((clientId, target) -> broker.handOff(clientId, target, "overload")
            .onFailure(failure -> LOG.warn("overload move of {} to {} did not happen: {}", clientId, target, failure.getMessage())));
        return targets;
      });
    });
  }

  private List<Candidate> candidates(List<NodeInfo> registered, Set<String> withAgent) {
    long now = System.currentTimeMillis();
    List<Candidate> candidates = new ArrayList<>();
    for (NodeInfo node : registered) {
      if (!withAgent.contains(node.name())) {
        continue;
      }
      if (node.role() == NodeInfo.Role.CLOUD) {
        candidates.add(Candidate.cloud(node.name(), node.network()));
      } else if (node.role() == NodeInfo.Role.EDGE) {
        loads.current(node.name(), now).ifPresent(load -> candidates.add(new Candidate(node.name(), false, node.network(),
            load.cpuPercent(), load.ramPercent(), load.gpuPercent())));
      }
    }
    return candidates;
  }
}
