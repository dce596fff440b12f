package io.baton.deploy.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import io.baton.broker.journal.HandoffJournal;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.SiteDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * Starts one clustered Vert.x instance (one Hazelcast member) bound to one address. Members find
 * each other through a TCP member list, the same way on one machine (loopback addresses) as on
 * many; no multicast, so nothing outside the list is contacted.
 */
public final class ClusterMember {
  public static final String CLUSTER_NAME = "baton";
  public static final int DEFAULT_PORT = 5701;

  private ClusterMember() {
  }

  /**
   * @param host    the address this member binds (Hazelcast and the event bus)
   * @param port    the Hazelcast port
   * @param members "host:port" of every member that may be up, this one included
   */
  public static Future<Vertx> start(String host, int port, List<String> members) {
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(hazelcastConfig(host, port, members));
    VertxOptions options = new VertxOptions()
        .setEventBusOptions(new EventBusOptions().setHost(host).setPort(0).setClusterPublicHost(host));
    return Vertx.builder().with(options).withClusterManager(clusterManager).buildClustered();
  }

  static Config hazelcastConfig(String host, int port, List<String> members) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(CLUSTER_NAME);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Bind this member to its own address, so several members can share a machine as sites do.
    config.setProperty("hazelcast.local.localAddress", host);
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Join at once: the member list is explicit, there is nothing to wait for.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    // Notice a member that vanished (killed, not shut down) within seconds, not a minute.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "6");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.setPublicAddress(host + ":" + port);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);

    // The directories are the fence of every handoff: keep a synchronous backup of each entry.
    config.addMapConfig(new MapConfig(ClientDirectory.MAP_NAME).setBackupCount(1));
    config.addMapConfig(new MapConfig(SiteDirectory.MAP_NAME).setBackupCount(1));
    // The saga journal must outlive the broker that writes it: that is when it is read.
    config.addMapConfig(new MapConfig(HandoffJournal.MAP_NAME).setBackupCount(1));
    return config;
  }
}
