package io.baton.agent;

import java.net.URI;

/**
 * How a site speaks MQTT: not at all, through a broker it embeds (on the site's own address and
 * {@code port}), or through an external broker such as Mosquitto ({@code brokerUri}, e.g.
 * {@code tcp://10.0.0.5:1883}), which several sites may share.
 */
public record MqttSettings(Mode mode, int port, String brokerUri) {
  public enum Mode { OFF, EMBEDDED, EXTERNAL }

  public MqttSettings {
    if (mode == Mode.EMBEDDED && (port <= 0 || port > 65_535)) {
      throw new IllegalArgumentException("embedded MQTT broker port must be 1-65535, got " + port);
    }
    if (mode == Mode.EXTERNAL) {
      URI uri = URI.create(brokerUri);
      if (!("tcp".equals(uri.getScheme()) || "ssl".equals(uri.getScheme())) || uri.getHost() == null || uri.getPort() <= 0) {
        throw new IllegalArgumentException("external MQTT broker must be tcp://host:port or ssl://host:port, got '"
            + brokerUri + "'");
      }
    }
  }

  public static MqttSettings off() {
    return new MqttSettings(Mode.OFF, 0, "");
  }

  public static MqttSettings embedded(int port) {
    return new MqttSettings(Mode.EMBEDDED, port, "");
  }

  public static MqttSettings external(String brokerUri) {
    return new MqttSettings(Mode.EXTERNAL, 0, brokerUri);
  }

  public boolean enabled() {
    return mode != Mode.OFF;
  }

  /** An embedded broker of a secured site listens for TLS only. */
  String endpoint(String host, boolean secured) {
    return switch (mode) {
      case OFF -> "";
      case EMBEDDED -> (secured ? "ssl://" : "tcp://") + host + ":" + port;
      case EXTERNAL -> brokerUri;
    };
  }
}
