package io.baton.deploy.cluster;

import io.baton.agent.AgentConfig;
import io.baton.agent.EdgeAgentVerticle;
import io.baton.agent.runtime.embedded.EmbeddedRuntime;
import io.baton.broker.BrokerConfig;
import io.baton.broker.HandoffBrokerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole mesh in one process: a broker member and one member per site, each its own clustered
 * Vert.x instance on its own address. Used by {@code baton demo} and the end-to-end tests.
 */
public final class LocalMesh implements AutoCloseable {
  private final MeshLayout layout;
  private final Vertx broker;
  private final HandoffBrokerVerticle brokerVerticle;
  private final Map<String, Site> sites;

  /** One running site: its member and its agent. */
  public record Site(AgentConfig config, Vertx vertx, EdgeAgentVerticle agent) {
  }

  private LocalMesh(MeshLayout layout, Vertx broker, HandoffBrokerVerticle brokerVerticle, Map<String, Site> sites) {
    this.layout = layout;
    this.broker = broker;
    this.brokerVerticle = brokerVerticle;
    this.sites = sites;
  }

  /** Starts the broker, then the sites one by one (members join an existing cluster fastest). */
  public static Future<LocalMesh> start(MeshLayout layout, BrokerConfig brokerConfig) {
    List<String> members = layout.members();
    HandoffBrokerVerticle brokerVerticle = new HandoffBrokerVerticle(brokerConfig);
    Map<String, Site> sites = new LinkedHashMap<>();
    Future<Vertx> broker = ClusterMember.start(layout.brokerHost(), layout.hazelcastPort(), members)
        .compose(vertx -> vertx.deployVerticle(brokerVerticle).map(id -> vertx));
    Future<Void> chain = broker.mapEmpty();
    for (AgentConfig config : layout.agents()) {
      chain = chain.compose(v -> startSite(config, layout.hazelcastPort(), members)).map(site -> {
        sites.put(config.siteId(), site);
        return null;
      });
    }
    return chain.map(v -> new LocalMesh(layout, broker.result(), brokerVerticle, sites));
  }

  private static Future<Site> startSite(AgentConfig config, int hazelcastPort, List<String> members) {
    EdgeAgentVerticle agent = new EdgeAgentVerticle(config, new EmbeddedRuntime(config.siteId()));
    return ClusterMember.start(config.host(), hazelcastPort, members)
        .compose(vertx -> vertx.deployVerticle(agent).map(id -> new Site(config, vertx, agent)));
  }

  public MeshLayout layout() {
    return layout;
  }

  /** The broker's member: a place to watch the bus from. */
  public Vertx brokerVertx() {
    return broker;
  }

  public HandoffBrokerVerticle broker() {
    return brokerVerticle;
  }

  public Optional<Site> site(String siteId) {
    return Optional.ofNullable(sites.get(siteId));
  }

  public List<Site> sites() {
    return new ArrayList<>(sites.values());
  }

  /** Stops one site's whole member, as if its host went down (cleanly: it leaves the cluster). */
  public Future<Void> stopSite(String siteId) {
    Site site = sites.remove(siteId);
    return site == null ? Future.succeededFuture() : site.vertx().close();
  }

  @Override
  public void close() {
    List<Future<Void>> closing = new ArrayList<>();
    sites.values().forEach(site -> closing.add(site.vertx().close()));
    sites.clear();
    Future.join(closing).eventually(() -> broker.close()).toCompletionStage().toCompletableFuture().join();
  }
}
