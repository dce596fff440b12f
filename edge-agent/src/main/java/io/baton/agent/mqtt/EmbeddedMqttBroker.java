package io.baton.agent.mqtt;

import io.baton.protocol.security.MemberCredentials;
import io.moquette.broker.ClientDescriptor;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.InterceptHandler;
import io.moquette.interception.messages.InterceptExceptionMessage;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT broker a site embeds by default: Moquette (MQTT 3.1.1), in memory, bound to the site's
 * own address. Anonymous on plain TCP for an unsecured site; with member credentials, TLS only (the
 * member certificate), per-client logins and topic access control ({@link MqttAccess}). Start and
 * stop block (Netty binds and drains): call them from a worker.
 *
 * <p>Moquette 0.17 runs each client's commands on one of a few session loop threads, and a command
 * that throws ends its loop for good (SessionEventLoop rethrows): every client routed to that loop
 * then waits forever, connects included. Under load its QoS 1 bookkeeping sometimes releases a
 * buffer twice (IllegalReferenceCountException in Session.pubAckReceived), which does exactly
 * that. The broker is told when a loop dies (onSessionLoopError) and is restarted then, on the
 * same address: its clients lose their connection and reconnect, as after any broker restart.
 */
public final class EmbeddedMqttBroker {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMqttBroker.class);
  /** Big enough for a gateway's batch or an AR frame; Moquette's default is 8 KB. */
  static final int MAX_MESSAGE_BYTES = 1 << 20;

  private final String host;
  private final int port;
  private final Optional<MemberCredentials> credentials;
  private volatile Server server;
  private final AtomicInteger restarts = new AtomicInteger();

  public EmbeddedMqttBroker(String host, int port, Optional<MemberCredentials> credentials) {
    this.host = host;
    this.port = port;
    this.credentials = credentials;
  }

  public synchronized void start() {
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
    List<InterceptHandler> watch = List.of(new SessionLoopWatch(broker));
    try {
      if (credentials.isPresent()) {
        properties.setProperty("port", "disabled");
        properties.setProperty("ssl_port", Integer.toString(port));
        properties.setProperty("allow_anonymous", "false");
        MqttAccess access = new MqttAccess(credentials.get());
        SslContext tls = tls(credentials.get());
        broker.startServer(new MemoryConfig(properties), watch, () -> tls, access, access);
      } else {
        properties.setProperty("port", Integer.toString(port));
        properties.setProperty("allow_anonymous", "true");
        broker.startServer(new MemoryConfig(properties), watch);
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

  public synchronized void stop() {
    if (server != null) {
      server.stopServer();
      server = null;
    }
  }

  /** The running Moquette (a test reaches its session loops through it). */
  Server moquette() {
    return server;
  }

  /** How often a dead session loop made this broker restart. */
  public int restarts() {
    return restarts.get();
  }

  /** Restarts the broker whose session loop died, unless it was stopped or restarted since. */
  private void restartAfterLoopDied(Server broken, Throwable error) {
    LOG.warn("a session loop of the MQTT broker on {}:{} died ({}); restarting the broker, its clients reconnect",
        host, port, error.toString());
    // Not on the dying loop's thread, which Moquette's stop would wait for.
    Thread restart = new Thread(() -> {
      synchronized (this) {
        if (server != broken) {
          return;
        }
        broken.stopServer();
        server = null;
        start();
        restarts.incrementAndGet();
      }
    }, "baton-mqtt-restart");
    restart.setDaemon(true);
    restart.start();
  }

  /** Hears of session loops that died, and nothing else (no message copies to release). */
  private final class SessionLoopWatch extends AbstractInterceptHandler {
    private final Server broker;

    SessionLoopWatch(Server broker) {
      this.broker = broker;
    }

    @Override
    public String getID() {
      return "baton-session-loop-watch";
    }

    @Override
    public Class<?>[] getInterceptedMessageTypes() {
      return new Class<?>[] {InterceptExceptionMessage.class};
    }

    @Override
    public void onSessionLoopError(Throwable error) {
      restartAfterLoopDied(broker, error);
    }
  }
}
