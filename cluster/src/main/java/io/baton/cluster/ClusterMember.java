package io.baton.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import io.baton.protocol.ClusterMaps;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.SiteDirectory;
import io.vertx.core.Future;
import io.baton.protocol.health.StallWatchdog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import com.hazelcast.core.HazelcastInstance;
import io.baton.cluster.tls.TlsHazelcast;
import io.baton.protocol.security.MemberCredentials;
import java.util.List;

/**
 * Starts one clustered Vert.x instance (one Hazelcast member) bound to one address. Members find
 * each other through a TCP member list, the same way on one machine (loopback addresses) as on
 * many, or in Kubernetes through the endpoints of a headless Service ({@link KubernetesDiscovery});
 * no multicast, so nothing outside the list (or the endpoints) is contacted. Both of a member's connections to
 * the others, Hazelcast's and the event bus's, are TLS with mutual authentication: a member
 * presents its certificate and accepts only peers whose certificate the cluster CA signed.
 */
public final class ClusterMember {
  public static final String CLUSTER_NAME = "baton";
  public static final int DEFAULT_PORT = 5701;

  static {
    StallWatchdog.addDiagnostics(HazelcastInvocations::describe);
  }

  /** Each member's watchdog, for its liveness probe; weak, so a closed member is not kept. */
  private static final java.util.Map<Vertx, StallWatchdog> WATCHDOGS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private ClusterMember() {
  }

  /** The stall watchdog of a member this class started. */
  public static java.util.Optional<StallWatchdog> watchdog(Vertx member) {
    return java.util.Optional.ofNullable(WATCHDOGS.get(member));
  }

  /**
   * Blocks while Hazelcast joins: call it from a plain thread, not from a Vert.x context.
   *
   * @param host        the address this member binds (Hazelcast and the event bus)
   * @param port        the Hazelcast port
   * @param members     "host:port" of every member that may be up, this one included
   * @param credentials what this member proves itself with, and the cluster CA it trusts
   */
  public static Future<Vertx> start(String host, int port, List<String> members, MemberCredentials credentials) {
    return start(host, port, Discovery.members(members), credentials);
  }

  /** As {@link #start(String, int, List, MemberCredentials)}, the members found as {@code discovery} says. */
  public static Future<Vertx> start(String host, int port, Discovery discovery, MemberCredentials credentials) {
    Config config = hazelcastConfig(host, port, discovery);
    // Vert.x finds its node id in the member's attributes when it is handed a running instance
    config.getMemberAttributeConfig().setAttribute("__vertx.nodeId", java.util.UUID.randomUUID().toString());
    HazelcastCallbacks.install();
    HazelcastInstance hazelcast = TlsHazelcast.start(config, credentials.memberTls());
    VertxOptions options = new VertxOptions().setEventBusOptions(eventBusOptions(host, credentials));
    return Vertx.builder().with(options).withClusterManager(new OwnedHazelcastClusterManager(hazelcast))
        .buildClustered()
        .onSuccess(member -> WATCHDOGS.put(member, StallWatchdog.watch(member, host)))
        .onFailure(failure -> hazelcast.shutdown());
  }

  static EventBusOptions eventBusOptions(String host, MemberCredentials credentials) {
    return new EventBusOptions().setHost(host).setPort(0).setClusterPublicHost(host)
        .setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(credentials.certificatePem().toString())
            .setKeyPath(credentials.keyPem().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(credentials.clusterCaPem().toString()))
        .setClientAuth(ClientAuth.REQUIRED);
  }

  /** The cluster manager of an instance we built ourselves: leaving the cluster also shuts it down. */
  private static final class OwnedHazelcastClusterManager extends HazelcastClusterManager {
    private final HazelcastInstance hazelcast;

    OwnedHazelcastClusterManager(HazelcastInstance hazelcast) {
      super(hazelcast);
      this.hazelcast = hazelcast;
    }

    @Override
    public void leave(io.vertx.core.Completable<Void> promise) {
      super.leave((ignored, failure) -> {
        // Hazelcast's shutdown blocks while the member hands its partitions over
        Thread stopping = new Thread(() -> {
          hazelcast.shutdown();
          promise.complete(null, failure);
        }, "hazelcast-shutdown");
        stopping.start();
      });
    }
  }

  /** How a member finds the others: an explicit member list, or a Kubernetes Service's endpoints. */
  public sealed interface Discovery {
    static Discovery members(List<String> members) {
      return new MemberList(List.copyOf(members));
    }

    static Discovery kubernetes(KubernetesDiscovery kubernetes) {
      return new Kubernetes(kubernetes);
    }
  }

  /** "host:port" of every member that may be up, this one included. */
  public record MemberList(List<String> members) implements Discovery {
  }

  public record Kubernetes(KubernetesDiscovery kubernetes) implements Discovery {
  }

  static Config hazelcastConfig(String host, int port, List<String> members) {
    return hazelcastConfig(host, port, Discovery.members(members));
  }

  static Config hazelcastConfig(String host, int port, Discovery discovery) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(CLUSTER_NAME);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Bind this member to its own address, so several members can share a machine as sites do.
    config.setProperty("hazelcast.local.localAddress", host);
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Join at once: the member list (or the Service's endpoints) is explicit, there is nothing to wait for.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    // Notice a member that vanished (killed, not shut down) within seconds, not a minute.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
    // A member that answers the join but refuses the TLS handshake never answers the mastership
    // claim: give up on it within seconds (a real member answers in milliseconds), not two minutes.
    config.setProperty("hazelcast.mastership.claim.timeout.seconds", "5");
    // ...and a process whose handshakes every member refuses stops trying after this long.
    config.setProperty("hazelcast.max.join.seconds", "30");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.setPublicAddress(host + ":" + port);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (discovery instanceof MemberList list) {
      join.getTcpIpConfig().setEnabled(true).setMembers(list.members());
    } else if (discovery instanceof Kubernetes kubernetes) {
      // Hazelcast allows one join method: the member list is off, the Service's endpoints are the list.
      join.getTcpIpConfig().setEnabled(false);
      kubernetes.kubernetes().apply(join.getKubernetesConfig());
      // Hazelcast's DiscoveryJoiner asks the API for the others until this deadline and returns as
      // soon as the Service lists one; with 0 it never asks, and every member starts a cluster of
      // its own. Only a member the Service lists alone waits this long (Hazelcast's default, 5 s).
      config.setProperty("hazelcast.wait.seconds.before.join", "5");
    }

    // The directories are the fence of every handoff: keep a synchronous backup of each entry. No
    // near cache on the clients' map: the fence reads a record before it swaps it, and must read the
    // owner's. Telemetry reads an agent-local view fed by an entry listener instead (the agent's
    // ClientView, HazelcastClientFeed).
    config.addMapConfig(new MapConfig(ClientDirectory.MAP_NAME).setBackupCount(1));
    config.addMapConfig(new MapConfig(SiteDirectory.MAP_NAME).setBackupCount(1));
    // The saga journal must outlive the broker that writes it: that is when it is read.
    config.addMapConfig(new MapConfig(ClusterMaps.HANDOFF_JOURNAL).setBackupCount(1));
    return config;
  }
}
