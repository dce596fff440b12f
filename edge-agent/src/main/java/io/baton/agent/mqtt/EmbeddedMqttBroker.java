package io.baton.agent.mqtt;

import io.baton.protocol.security.MemberCredentials;
import io.moquette.broker.ClientDescriptor;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * The MQTT broker a site embeds by default: Moquette (MQTT 3.1.1), in memory, bound to the site's
 * own address. Anonymous on plain TCP for an unsecured site; with member credentials, TLS only (the
 * member certificate), per-client logins and topic access control ({@link MqttAccess}). Start and
 * stop block (Netty binds and drains): call them from a worker.
 */
public final class EmbeddedMqttBroker {
  /** Big enough for a gateway's batch or an AR frame; Moquette's default is 8 KB. */
  static final int MAX_MESSAGE_BYTES = 1 << 20;

  private final String host;
  private final int port;
  private final Optional<MemberCredentials> credentials;
  private Server server;

  public EmbeddedMqttBroker(String host, int port, Optional<MemberCredentials> credentials) {
    this.host = host;
    this.port = port;
    this.credentials = credentials;
  }

  public void start() {
    Properties properties = new Properties();
    properties.setProperty("host", host);
    properties.setProperty("websocket_port", "disabled");
    // Sessions, subscriptions and retained messages live as long as the agent: nothing on disk.
    properties.setProperty("persistence_enabled", "false");
    // Moquette 0.17 reports usage to its authors by default (and writes an id file to do so): never from a site.
    properties.setProperty("telemetry_enabled", "false");
    properties.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
    // Flush each message at once: a redirect or a call result must not wait for a batch to fill.
    properties.setProperty("immediate_buffer_flush", "true");
    Server broker = new Server();
    try {
      if (credentials.isPresent()) {
        properties.setProperty("port", "disabled");
        properties.setProperty("ssl_port", Integer.toString(port));
        properties.setProperty("allow_anonymous", "false");
        MqttAccess access = new MqttAccess(credentials.get());
        SslContext tls = tls(credentials.get());
        broker.startServer(new MemoryConfig(properties), List.of(), () -> tls, access, access);
      } else {
        properties.setProperty("port", Integer.toString(port));
        properties.setProperty("allow_anonymous", "true");
        broker.startServer(new MemoryConfig(properties));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded MQTT broker on " + host + ":" + port, e);
    }
    server = broker;
  }

  private static SslContext tls(MemberCredentials member) {
    try {
      return SslContextBuilder.forServer(member.key(), member.chain().toArray(X509Certificate[]::new))
          .sslProvider(SslProvider.JDK)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the MQTT broker's TLS context: " + e.getMessage(), e);
    }
  }

  /** The MQTT client ids connected now (tests watch who reached the broker). */
  public Set<String> connectedClients() {
    Server running = server;
    return running == null ? Set.of()
        : running.listConnectedClients().stream().map(ClientDescriptor::getClientID).collect(Collectors.toSet());
  }

  public void stop() {
    if (server != null) {
      server.stopServer();
      server = null;
    }
  }
}
