package io.baton.client;

import io.baton.client.mqtt.MqttVersion;
import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.wire.WireFormat;

/**
 * The part of a builder that says how to reach the mesh, shared by {@link BatonClient.Builder} and
 * {@link BatonGateway.Builder}.
 */
public abstract class ConnectionBuilder<B extends ConnectionBuilder<B>> {
  final Connection connection = new Connection();

  ConnectionBuilder() {
  }

  abstract B self();

  /** Over CoAP, bootstrapping at any site's endpoint, e.g. {@code coap://127.0.0.2:5683}. */
  public B site(String coapEndpoint) {
    connection.coap(coapEndpoint);
    return self();
  }

  /** Over MQTT 3.1.1, bootstrapping at a site by its id and its broker, e.g. {@code ("site-a", "tcp://127.0.0.2:1883")}. */
  public B mqtt(String siteId, String brokerUri) {
    return mqtt(siteId, brokerUri, MqttVersion.V3_1_1);
  }

  public B mqtt(String siteId, String brokerUri, MqttVersion version) {
    connection.mqtt(siteId, brokerUri, version);
    return self();
  }

  /**
   * The client's credentials (`baton credentials` issues them; {@link ClientCredentials#load}):
   * required by a secured mesh. CoAP then runs over DTLS (the certificate if the client has one,
   * else the pre-shared key), MQTT over TLS with the client's login, calls carry the service token,
   * and only assignments sealed by the mesh are followed.
   */
  public B credentials(ClientCredentials credentials) {
    connection.credentials(credentials);
    return self();
  }

  /** Telemetry over CoAP in JSON (the default) or CBOR. */
  public B telemetryFormat(WireFormat format) {
    connection.telemetryFormat(format);
    return self();
  }

  /** Telemetry over CoAP as confirmable messages (the default) or non-confirmable ones. */
  public B confirmableTelemetry(boolean confirmable) {
    connection.confirmableTelemetry(confirmable);
    return self();
  }
}
