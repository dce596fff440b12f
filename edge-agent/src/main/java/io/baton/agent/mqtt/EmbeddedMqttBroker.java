package io.baton.agent.mqtt;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The MQTT broker a site embeds by default: Moquette (MQTT 3.1.1), in memory, anonymous, bound to
 * the site's own address. Start and stop block (Netty binds and drains): call them from a worker.
 */
public final class EmbeddedMqttBroker {
  /** Big enough for a gateway's batch or an AR frame; Moquette's default is 8 KB. */
  static final int MAX_MESSAGE_BYTES = 1 << 20;

  private final String host;
  private final int port;
  private Server server;

  public EmbeddedMqttBroker(String host, int port) {
    this.host = host;
    this.port = port;
  }

  public void start() {
    Properties properties = new Properties();
    properties.setProperty("host", host);
    properties.setProperty("port", Integer.toString(port));
    properties.setProperty("websocket_port", "disabled");
    properties.setProperty("allow_anonymous", "true");
    // Sessions, subscriptions and retained messages live as long as the agent: nothing on disk.
    properties.setProperty("persistence_enabled", "false");
    // Moquette 0.17 reports usage to its authors by default (and writes an id file to do so): never from a site.
    properties.setProperty("telemetry_enabled", "false");
    properties.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
    // Flush each message at once: a redirect or a call result must not wait for a batch to fill.
    properties.setProperty("immediate_buffer_flush", "true");
    Server broker = new Server();
    try {
      broker.startServer(new MemoryConfig(properties));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded MQTT broker on " + host + ":" + port, e);
    }
    server = broker;
  }

  public void stop() {
    if (server != null) {
      server.stopServer();
      server = null;
    }
  }
}
