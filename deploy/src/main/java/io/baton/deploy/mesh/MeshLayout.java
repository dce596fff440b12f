package io.baton.deploy.mesh;

import io.baton.agent.AgentConfig;
import io.baton.agent.MqttSettings;
import io.baton.cluster.ClusterMember;
import io.baton.protocol.MqttTopics;
import io.baton.protocol.security.MemberCredentials;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Where the members of a single-host mesh live: the broker on one loopback address, each site on
 * its own, as real sites have their own hosts. Ports are the same on every address. {@code mqtt}
 * applies to every site: each embeds a broker on its own address, or all share an external one.
 * {@code credentials} is a credentials directory (`baton credentials`) holding a member per site:
 * then every agent serves its clients secured (coaps://, MQTT over TLS with logins and ACLs).
 */
public record MeshLayout(String brokerHost, List<String> siteHosts, int hazelcastPort, int coapPort, int transferPort,
    MqttSettings mqtt, Optional<Path> credentials) {

  public MeshLayout(String brokerHost, List<String> siteHosts, int hazelcastPort, int coapPort, int transferPort,
      MqttSettings mqtt) {
    this(brokerHost, siteHosts, hazelcastPort, coapPort, transferPort, mqtt, Optional.empty());
  }

  /** A mesh whose sites speak CoAP only. */
  public MeshLayout(String brokerHost, List<String> siteHosts, int hazelcastPort, int coapPort, int transferPort) {
    this(brokerHost, siteHosts, hazelcastPort, coapPort, transferPort, MqttSettings.off());
  }

  /** The demo's layout: broker on 127.0.0.1, sites site-a, site-b, site-c on 127.0.0.2 to .4, each with an MQTT broker on 1883. */
  public static MeshLayout demo() {
    return demo("127.0.0.");
  }

  /** The demo's layout on another loopback /24, {@code prefix} like "127.0.10.": the broker on .1, the sites on .2 to .4. */
  public static MeshLayout demo(String prefix) {
    return new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3, prefix + 4), ClusterMember.DEFAULT_PORT,
        5683, AgentConfig.DEFAULT_TRANSFER_PORT, MqttSettings.embedded(MqttTopics.DEFAULT_PORT));
  }

  public MeshLayout withMqtt(MqttSettings settings) {
    return new MeshLayout(brokerHost, siteHosts, hazelcastPort, coapPort, transferPort, settings, credentials);
  }

  /** Every site loads its member credentials (named by its site id) from {@code dir}. */
  public MeshLayout withCredentials(Path dir) {
    return new MeshLayout(brokerHost, siteHosts, hazelcastPort, coapPort, transferPort, mqtt, Optional.of(dir));
  }

  /**
   * A mesh on one loopback /24, {@code prefix} like "127.0.10.": the broker on .1, three sites on
   * .2-.4, default ports, no MQTT.
   */
  public static MeshLayout onPrefix(String prefix) {
    return new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3, prefix + 4), 5701, 5683, 7443);
  }

  public static String siteId(int index) {
    return "site-" + (char) ('a' + index);
  }

  public List<AgentConfig> agents() {
    return IntStream.range(0, siteHosts.size())
        .mapToObj(i -> {
          AgentConfig agent = new AgentConfig(siteId(i), siteHosts.get(i), coapPort, transferPort, mqtt);
          return credentials.map(dir -> agent.withCredentials(MemberCredentials.load(dir, agent.siteId()))).orElse(agent);
        })
        .toList();
  }

  public List<String> members() {
    List<String> members = new ArrayList<>();
    members.add(brokerHost + ":" + hazelcastPort);
    siteHosts.forEach(host -> members.add(host + ":" + hazelcastPort));
    return members;
  }
}
