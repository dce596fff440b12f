package io.baton.client.mqtt;

/** The MQTT protocol a client speaks; the embedded broker of an agent speaks 3.1.1 only. */
public enum MqttVersion {
  V3_1_1, V5
}
