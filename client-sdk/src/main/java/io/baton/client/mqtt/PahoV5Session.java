package io.baton.client.mqtt;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import io.baton.protocol.net.NoDelaySockets;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** MQTT 5 through Paho's {@code mqttv5} async client. */
final class PahoV5Session implements MqttSession {
  private final String brokerUri;
  private final String filter;
  private final MqttAsyncClient client;
  private final Optional<MqttLogin> login;
  private final SessionWatch watch;

  PahoV5Session(String brokerUri, String clientId, Optional<MqttLogin> login, String filter, Listener listener) {
    this.brokerUri = brokerUri;
    this.login = login;
    this.filter = filter;
    try {
      this.client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException("bad MQTT broker URI '" + brokerUri + "': " + e.getMessage(), e);
    }
    this.watch = new SessionWatch(client::isConnected, client::reconnect, this::subscribe, listener::reconnected);
    client.setCallback(new MqttCallback() {
      @Override
      public void connectComplete(boolean reconnect, String serverUri) {
        if (reconnect) {
          watch.reconnected();
        }
      }

      @Override
      public void disconnected(MqttDisconnectResponse response) {
        // Paho reconnects by itself (the watch makes sure); calls meanwhile fail fast and are held by the client.
        watch.lost();
      }

      @Override
      public void mqttErrorOccurred(MqttException exception) {
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        listener.message(topic, message.getPayload(), message.isRetained());
      }

      @Override
      public void deliveryComplete(IMqttToken token) {
      }

      @Override
      public void authPacketArrived(int reasonCode, MqttProperties properties) {
      }
    });
  }

  @Override
  public CompletableFuture<Void> open() {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setAutomaticReconnect(true);
    options.setAutomaticReconnectDelay(1, 1);
    options.setKeepAliveInterval(5);
    options.setConnectionTimeout(10); // a CONNECT unanswered this long fails and the next attempt follows (Paho: 30 s)
    if (client.getServerURI().startsWith("tcp://")) {
      options.setSocketFactory(NoDelaySockets.plain());
    }
    login.ifPresent(own -> {
      options.setUserName(own.user());
      options.setPassword(new String(own.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      options.setSocketFactory(own.sockets()); // MqttTransport opens no login session to a broker that is not ssl://
    });
    return action(listener -> client.connect(options, null, listener)).thenCompose(v -> subscribe()).thenRun(watch::start);
  }

  private CompletableFuture<Void> subscribe() {
    return action(listener -> client.subscribe(filter, 1, null, listener));
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained) {
    return action(listener -> client.publish(topic, payload, 1, retained, null, listener));
  }

  @Override
  public String brokerUri() {
    return brokerUri;
  }

  @Override
  public void close() {
    watch.stop();
    try {
      if (client.isConnected()) {
        client.disconnectForcibly(0, 500, false);
      }
      client.close(true);
    } catch (MqttException ignored) {
      // closing anyway
    }
  }

  /** Drops the connection the way Paho's user disconnect does, after which Paho never reconnects by itself (tests). */
  void dropAndGiveUp() throws MqttException {
    client.disconnectForcibly(0, 1_000, false);
  }

  private static CompletableFuture<Void> action(Action action) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      action.start(new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          done.complete(null);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable failure) {
          done.completeExceptionally(failure);
        }
      });
    } catch (MqttException | RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  @FunctionalInterface
  private interface Action {
    void start(MqttActionListener listener) throws MqttException;
  }
}
