package io.baton.deploy.mesh;

import io.baton.agent.AgentConfig;
import io.baton.agent.EdgeAgentVerticle;
import io.baton.agent.transfer.ChunkStore;
import io.baton.broker.BrokerConfig;
import io.baton.broker.HandoffBrokerVerticle;
import io.baton.cluster.ClusterMember;
import io.baton.cluster.HazelcastClientFeed;
import io.baton.protocol.codec.EventCodecs;
import io.baton.predictor.MobilityPredictorVerticle;
import io.baton.predictor.PredictorSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole mesh in one process: a broker member and one member per site, each its own clustered
 * Vert.x instance on its own address, and optionally the mobility predictor (deployed on the
 * broker's member: it only listens and publishes on the bus, so any member will do). Used by
 * {@code baton demo} and the end-to-end tests.
 */
public final class LocalMesh implements AutoCloseable {
  private final MeshLayout layout;
  private final MeshCredentials credentials;
  private final Vertx broker;
  private final HandoffBrokerVerticle brokerVerticle;
  private final Map<String, Site> sites;
  private final SiteRuntimes runtimes;
  private MobilityPredictorVerticle predictor;

  /** One running site: its member and its agent. */
  public record Site(AgentConfig config, Vertx vertx, EdgeAgentVerticle agent) {
  }

  private LocalMesh(MeshLayout layout, MeshCredentials credentials, Vertx broker, HandoffBrokerVerticle brokerVerticle,
      Map<String, Site> sites, SiteRuntimes runtimes) {
    this.layout = layout;
    this.credentials = credentials;
    this.runtimes = runtimes;
    this.broker = broker;
    this.brokerVerticle = brokerVerticle;
    this.sites = sites;
  }

  /**
   * Starts the broker, then the sites one by one (a member joins an existing cluster fastest).
   * Blocks: call it from a plain thread, not from a Vert.x context.
   */
  public static LocalMesh start(MeshLayout layout, BrokerConfig brokerConfig) {
    return start(layout, brokerConfig, Optional.empty());
  }

  /** As {@link #start(MeshLayout, BrokerConfig)}, with the predictor too when a setup is given. */
  public static LocalMesh start(MeshLayout layout, BrokerConfig brokerConfig, Optional<PredictorSetup> predictorSetup) {
    return start(layout, brokerConfig, predictorSetup, MeshCredentials.of(layout));
  }

  /** As above, every member with credentials issued from {@code credentials}. */
  public static LocalMesh start(MeshLayout layout, BrokerConfig brokerConfig, Optional<PredictorSetup> predictorSetup,
      MeshCredentials credentials) {
    return start(layout, credentials, new HandoffBrokerVerticle(brokerConfig, layout.brokerHost()), layout.members(),
        predictorSetup, SiteRuntimes.embedded());
  }

  /** As {@link #start(MeshLayout, BrokerConfig)}, each site with the runtime {@code runtimes} makes for it. */
  public static LocalMesh start(MeshLayout layout, BrokerConfig brokerConfig, SiteRuntimes runtimes) {
    return start(layout, MeshCredentials.of(layout), new HandoffBrokerVerticle(brokerConfig, layout.brokerHost()),
        layout.members(), Optional.empty(), runtimes);
  }

  /**
   * As {@link #start(MeshLayout, BrokerConfig)} in a cluster whose member list also names members
   * started elsewhere ({@code members}: agents or brokers in processes of their own, issued from
   * the same {@code credentials}).
   */
  public static LocalMesh start(MeshLayout layout, BrokerConfig brokerConfig, List<String> members,
      MeshCredentials credentials) {
    return start(layout, credentials, new HandoffBrokerVerticle(brokerConfig, layout.brokerHost()), members,
        Optional.empty(), SiteRuntimes.embedded());
  }

  /**
   * The sites, and on the broker's address a member that runs no broker: brokers run elsewhere (in
   * processes of their own, on addresses among {@code members}). {@link #broker()} is null.
   */
  public static LocalMesh withoutBroker(MeshLayout layout, List<String> members, MeshCredentials credentials) {
    return start(layout, credentials, null, members, Optional.empty(), SiteRuntimes.embedded());
  }

  private static LocalMesh start(MeshLayout layout, MeshCredentials credentials, HandoffBrokerVerticle brokerVerticle,
      List<String> members, Optional<PredictorSetup> predictorSetup, SiteRuntimes runtimes) {
    Vertx broker = join(ClusterMember.start(layout.brokerHost(), layout.hazelcastPort(), members,
        credentials.member(MeshCredentials.BROKER, layout.brokerHost())));
    Map<String, Site> sites = new LinkedHashMap<>();
    try {
      if (brokerVerticle != null) {
        join(broker.deployVerticle(brokerVerticle));
      } else {
        EventCodecs.registerAll(broker.eventBus());
      }
      for (AgentConfig plain : layout.agents()) {
        Site site = startSite(plain, credentials, runtimes, layout.hazelcastPort(), members);
        sites.put(site.config().siteId(), site);
      }
    } catch (RuntimeException e) {
      new LocalMesh(layout, credentials, broker, brokerVerticle, sites, runtimes).close();
      throw e;
    }
    LocalMesh mesh = new LocalMesh(layout, credentials, broker, brokerVerticle, sites, runtimes);
    predictorSetup.ifPresent(setup -> {
      mesh.predictor = new MobilityPredictorVerticle(setup);
      try {
        join(broker.deployVerticle(mesh.predictor));
      } catch (RuntimeException e) {
        mesh.close();
        throw e;
      }
    });
    return mesh;
  }

  private static Site startSite(AgentConfig plain, MeshCredentials credentials, SiteRuntimes runtimes, int port,
      List<String> members) {
    AgentConfig config = plain.withCredentials(credentials.member(plain.siteId(), plain.host()));
    Vertx member = join(ClusterMember.start(config.host(), port, members, config.credentials().orElseThrow()));
    Site site;
    try {
      EdgeAgentVerticle agent = new EdgeAgentVerticle(config, join(runtimes.create(member, config)),
          ChunkStore.DEFAULT_BUDGET_BYTES, HazelcastClientFeed.of(member));
      site = new Site(config, member, agent);
      join(member.deployVerticle(agent));
    } catch (RuntimeException e) {
      member.close();
      throw e;
    }
    return site;
  }

  /** The credentials every member of this mesh was issued from (an operator's token among them). */
  public MeshCredentials credentials() {
    return credentials;
  }

  /** The predictor, if this mesh runs one. */
  public Optional<MobilityPredictorVerticle> predictor() {
    return Optional.ofNullable(predictor);
  }

  private static <T> T join(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
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

  /** Starts a stopped site again, empty, as a host that came back. Blocks. */
  public Site restartSite(String siteId) {
    if (sites.containsKey(siteId)) {
      throw new IllegalStateException(siteId + " is running");
    }
    AgentConfig config = layout.agents().stream().filter(a -> a.siteId().equals(siteId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no site " + siteId + " in this mesh"));
    Site site = startSite(config, credentials, runtimes, layout.hazelcastPort(), layout.members());
    sites.put(siteId, site);
    return site;
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
    join(Future.join(closing).eventually(() -> broker.close()));
  }
}
