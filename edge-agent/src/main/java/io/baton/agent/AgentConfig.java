package io.baton.agent;

import io.baton.protocol.CoapPaths;
import io.baton.protocol.security.MemberCredentials;
import java.util.Optional;

/**
 * One site's agent: its id, the address it serves on (CoAP, state transfer and an embedded MQTT
 * broker bind there), its ports, where its MQTT clients meet it, and the credentials it proves
 * itself with (to other members, and to clients) and authenticates clients by.
 */
public record AgentConfig(String siteId, String host, int coapPort, int transferPort, MqttSettings mqtt,
    Optional<MemberCredentials> credentials) {
  public static final int DEFAULT_TRANSFER_PORT = 7443;

  public AgentConfig {
    if (credentials.isPresent() && mqtt.mode() == MqttSettings.Mode.EXTERNAL && !mqtt.brokerUri().startsWith("ssl://")) {
      // The member login (and every client's) would cross the network in clear text.
      throw new IllegalArgumentException("site " + siteId + " has credentials, so its MQTT login needs TLS: the external broker must be"
          + " ssl://host:port, got '" + mqtt.brokerUri() + "'");
    }
  }

  public AgentConfig(String siteId, String host, int coapPort, int transferPort, MqttSettings mqtt) {
    this(siteId, host, coapPort, transferPort, mqtt, Optional.empty());
  }

  public AgentConfig withCredentials(MemberCredentials memberCredentials) {
    return new AgentConfig(siteId, host, coapPort, transferPort, mqtt, Optional.of(memberCredentials));
  }

  /** A site without MQTT: CoAP clients only. */
  public AgentConfig(String siteId, String host, int coapPort, int transferPort) {
    this(siteId, host, coapPort, transferPort, MqttSettings.off());
  }

  /** The defaults of {@code baton agent}: standard ports and an embedded MQTT broker. */
  public static AgentConfig of(String siteId, String host) {
    return new AgentConfig(siteId, host, CoapPaths.DEFAULT_PORT, DEFAULT_TRANSFER_PORT, MqttSettings.embedded(1883));
  }

  /** coaps:// when the agent has credentials: then it serves DTLS only. */
  public String coapEndpoint() {
    return (credentials.isPresent() ? "coaps://" : "coap://") + host + ":" + coapPort;
  }

  /** The broker the site's MQTT clients connect to (ssl:// when secured); empty when the site speaks no MQTT. */
  public String mqttEndpoint() {
    return mqtt.endpoint(host, credentials.isPresent());
  }
}
