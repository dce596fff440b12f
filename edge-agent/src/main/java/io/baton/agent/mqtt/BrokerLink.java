package io.baton.agent.mqtt;

import io.baton.protocol.net.NoDelaySockets;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one MQTT connection (Paho, MQTT 3.1.1, so it works with the embedded broker and any
 * other). Paho's async client never blocks the caller; the outcomes of its actions are handed to
 * the agent's context here, while each arriving message goes to {@code onMessage} on Paho's own
 * thread, so the face can sort it (telemetry is admitted, or shed, before any context queues it). It reconnects by itself and subscribes again when it does,
 * because a restarted broker has forgotten the subscription. What it cannot publish while
 * disconnected is not kept: a client holds its calls and resends them, and a client that was cut
 * off attaches again when it reconnects, which publishes its current assignment anew (a restarted
 * broker has lost the retained one anyway).
 *
 * <p>Paho's own reconnect is not trusted alone: when its reconnect attempt throws at once (the old
 * connection still shutting down on a slow machine), Paho 1.2.5 logs it and never tries again. A
 * watch on the agent's context therefore reconnects a link that stayed down for {@link #STALL_MILLIS},
 * and subscribes again until a subscription is granted, so an agent is never left deaf.
 */
final class BrokerLink {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerLink.class);
  /** QoS 1 messages in flight at once: a busy site answers thousands of calls a second. */
  private static final int MAX_INFLIGHT = 20_000;
  private static final int FIRST_SUBSCRIBE_ATTEMPTS = 5;
  /** How long a link may stay down before the watch reconnects it itself (Paho retries every 2 s at most). */
  static final long STALL_MILLIS = 5_000;
  private static final long WATCH_PERIOD_MILLIS = 1_000;
  /** A CONNECT unanswered this long fails, and the next attempt follows (Paho's default is 30 s). */
  private static final int CONNECT_DEADLINE_SECONDS = 10;

  private final Context context;
  private final MqttAsyncClient client;
  /** Topic filter -> QoS; subscribed at once, in one SUBSCRIBE. */
  private final java.util.Map<String, Integer> filters;
  private final BiConsumer<String, byte[]> onMessage;
  private final Optional<MemberCredentials> credentials;
  /** Whether the current connection holds the subscription; Paho's threads clear it, the watch restores it. */
  private volatile boolean subscribed;
  // Context-confined: the watch's state.
  private boolean subscribing;
  private long downSinceNanos;
  private long watchTimer = -1;
  private boolean closed;

  /** With credentials the link logs in as the member and verifies the broker against the cluster CA. */
  BrokerLink(Context context, String brokerUri, String clientId, java.util.Map<String, Integer> filters,
      Optional<MemberCredentials> credentials, BiConsumer<String, byte[]> onMessage) {
    this.context = context;
    this.credentials = credentials;
    this.filters = java.util.Map.copyOf(filters);
    this.onMessage = onMessage;
    try {
      this.client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException("bad MQTT broker URI '" + brokerUri + "': " + e.getMessage(), e);
    }
    client.setCallback(new MqttCallbackExtended() {
      @Override
      public void connectComplete(boolean reconnect, String serverUri) {
        if (reconnect) {
          LOG.info("reconnected to {}; subscribing to {} again", serverUri, filters.keySet());
          subscribed = false;
          context.runOnContext(v -> resubscribe());
        }
      }

      @Override
      public void connectionLost(Throwable cause) {
        subscribed = false;
        LOG.warn("lost the MQTT broker {}: {}; reconnecting", brokerUri, cause.getMessage());
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        onMessage.accept(topic, message.getPayload());
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {
      }
    });
  }

  Future<Void> connect() {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay(2_000);
    options.setMaxInflight(MAX_INFLIGHT);
    options.setKeepAliveInterval(10);
    options.setConnectionTimeout(CONNECT_DEADLINE_SECONDS);
    credentials.ifPresent(member -> {
      options.setUserName(MqttAccess.memberUser(member.name()));
      options.setPassword(MqttAccess.memberPassword(member, member.name()).toCharArray());
      // AgentConfig refuses a secured site whose broker is not ssl://: the login never goes out in clear.
      options.setSocketFactory(NoDelaySockets.tls(member.memberTls().getSocketFactory()));
    });
    if (client.getServerURI().startsWith("tcp://")) {
      options.setSocketFactory(NoDelaySockets.plain());
    }
    return action(listener -> client.connect(options, null, listener)).compose(v -> firstSubscribe(FIRST_SUBSCRIBE_ATTEMPTS))
        .onSuccess(v -> {
          subscribed = true;
          if (!closed) {
            watchTimer = context.owner().setPeriodic(WATCH_PERIOD_MILLIS, id -> watch());
          }
        });
  }

  /** Runs on the agent's context once a second. */
  private void watch() {
    if (closed) {
      return;
    }
    if (client.isConnected()) {
      downSinceNanos = 0;
      if (!subscribed) {
        resubscribe();
      }
      return;
    }
    // Whoever brings the connection back, the broker forgot the subscription (clean session).
    subscribed = false;
    long now = System.nanoTime();
    if (downSinceNanos == 0) {
      downSinceNanos = now;
    } else if (now - downSinceNanos >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
      downSinceNanos = now;
      try {
        client.reconnect();
        LOG.warn("the link to {} stayed down for {} ms; reconnecting it", client.getServerURI(), STALL_MILLIS);
      } catch (MqttException busy) {
        // Connecting or disconnecting right now: Paho is at work, look again later.
        LOG.debug("reconnect refused: {}", busy.getMessage());
      }
    }
  }

  /** Subscribes on the current connection once; a failure is left to the next watch. */
  private void resubscribe() {
    if (subscribing || subscribed || closed) {
      return;
    }
    subscribing = true;
    subscribe().onComplete(done -> {
      subscribing = false;
      if (done.succeeded()) {
        subscribed = true;
      } else {
        LOG.warn("cannot subscribe to {} again: {}; trying again", filters.keySet(), done.cause().getMessage());
      }
    });
  }

  /**
   * The connection can drop between CONNACK and SUBACK (seen with the embedded broker's TLS under
   * load). Paho then reconnects by itself and subscribes again on reconnect, so a lost connection
   * here is waited out rather than failing the agent's start; a refused subscription still fails.
   */
  private Future<Void> firstSubscribe(int attemptsLeft) {
    return subscribe().recover(failure -> {
      if (attemptsLeft <= 1 || client.isConnected()) {
        return Future.failedFuture(failure);
      }
      LOG.warn("lost the MQTT broker before subscribing ({}); waiting for the reconnect", failure.getMessage());
      Promise<Void> later = Promise.promise();
      context.owner().setTimer(1_000, id -> firstSubscribe(attemptsLeft - 1).onComplete(later));
      return later.future();
    });
  }

  private Future<Void> subscribe() {
    String[] topics = filters.keySet().toArray(String[]::new);
    int[] qos = java.util.Arrays.stream(topics).mapToInt(filters::get).toArray();
    return action(listener -> client.subscribe(topics, qos, null, listener));
  }

  Future<Void> publish(String topic, byte[] payload, boolean retained) {
    return action(listener -> client.publish(topic, payload, 1, retained, null, listener));
  }

  Future<Void> close() {
    closed = true;
    if (watchTimer >= 0) {
      context.owner().cancelTimer(watchTimer);
    }
    if (!client.isConnected()) {
      return closeClient();
    }
    return action(listener -> client.disconnect(1_000, null, listener)).eventually(this::closeClient);
  }

  private Future<Void> closeClient() {
    try {
      client.close(true);
    } catch (MqttException e) {
      LOG.debug("closing the MQTT client: {}", e.getMessage());
    }
    return Future.succeededFuture();
  }

  /** Runs one Paho action and completes, on the agent's context, when Paho reports its outcome. */
  private Future<Void> action(PahoAction action) {
    Promise<Void> done = Promise.promise();
    IMqttActionListener listener = new IMqttActionListener() {
      @Override
      public void onSuccess(IMqttToken token) {
        context.runOnContext(v -> done.tryComplete());
      }

      @Override
      public void onFailure(IMqttToken token, Throwable failure) {
        context.runOnContext(v -> done.tryFail(failure));
      }
    };
    try {
      action.start(listener);
    } catch (MqttException e) {
      done.tryFail(e);
    }
    return done.future();
  }

  /** The Paho client, for tests that make it give up as Paho's reconnect sometimes does. */
  MqttAsyncClient paho() {
    return client;
  }

  @FunctionalInterface
  private interface PahoAction {
    void start(IMqttActionListener listener) throws MqttException;
  }
}
