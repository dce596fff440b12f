package io.baton.client.mqtt;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One connection to one broker, subscribed to one filter: the part of MQTT that differs between
 * 3.1.1 and 5 (two Paho APIs), behind one interface. Implementations reconnect by themselves and
 * subscribe again when they do.
 */
interface MqttSession extends AutoCloseable {

  /** What the session reports: messages (with the retain flag as delivered) and a regained connection. */
  interface Listener {
    void message(String topic, byte[] payload, boolean retained);

    void reconnected();
  }

  /** Connects and subscribes; completes once the subscription is granted. */
  CompletableFuture<Void> open();

  /** QoS 1; completes when the broker acknowledged the message. */
  CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained);

  String brokerUri();

  @Override
  void close();

  /** Opens sessions of one MQTT version. */
  @FunctionalInterface
  interface Factory {
    MqttSession create(String brokerUri, String clientId, Optional<MqttLogin> login, String filter, Listener listener);

    static Factory of(MqttVersion version) {
      return version == MqttVersion.V5 ? PahoV5Session::new : PahoV3Session::new;
    }
  }
}
