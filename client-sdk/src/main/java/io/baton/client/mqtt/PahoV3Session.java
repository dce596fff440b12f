package io.baton.client.mqtt;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import io.baton.protocol.net.NoDelaySockets;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** MQTT 3.1.1 through Paho's {@code mqttv3} async client. */
final class PahoV3Session implements MqttSession {
  private final String brokerUri;
  private final String filter;
  private final MqttAsyncClient client;
  private final Optional<MqttLogin> login;
  private final SessionWatch watch;

  PahoV3Session(String brokerUri, String clientId, Optional<MqttLogin> login, String filter, Listener listener) {
    this.brokerUri = brokerUri;
    this.login = login;
    this.filter = filter;
    try {
      this.client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException("bad MQTT broker URI '" + brokerUri + "': " + e.getMessage(), e);
    }
    this.watch = new SessionWatch(client::isConnected, client::reconnect, this::subscribe, listener::reconnected);
    client.setCallback(new MqttCallbackExtended() {
      @Override
      public void connectComplete(boolean reconnect, String serverUri) {
        if (reconnect) {
          watch.reconnected();
        }
      }

      @Override
      public void connectionLost(Throwable cause) {
        // Paho reconnects by itself (the watch makes sure); calls meanwhile fail fast and are held by the client.
        watch.lost();
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        listener.message(topic, message.getPayload(), message.isRetained());
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {
      }
    });
  }

  @Override
  public CompletableFuture<Void> open() {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(true);
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay(1_000);
    options.setKeepAliveInterval(5);
    options.setConnectionTimeout(10); // a CONNECT unanswered this long fails and the next attempt follows (Paho: 30 s)
    options.setMaxInflight(1_000);
    if (client.getServerURI().startsWith("tcp://")) {
      options.setSocketFactory(NoDelaySockets.plain());
    }
    login.ifPresent(own -> {
      options.setUserName(own.user());
      options.setPassword(own.password());
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
        client.disconnectForcibly(0, 500);
      }
      client.close(true);
    } catch (MqttException ignored) {
      // closing anyway
    }
  }

  /** Drops the connection the way Paho's user disconnect does, after which Paho never reconnects by itself (tests). */
  void dropAndGiveUp() throws MqttException {
    client.disconnectForcibly(0, 1_000);
  }

  private static CompletableFuture<Void> action(Action action) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      action.start(new IMqttActionListener() {
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
    void start(IMqttActionListener listener) throws MqttException;
  }
}
