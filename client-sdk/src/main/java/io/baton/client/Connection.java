package io.baton.client;

import io.baton.client.coap.CoapTransport;
import io.baton.client.mqtt.MqttTransport;
import io.baton.client.mqtt.MqttVersion;
import io.baton.client.spi.AssignmentVerifier;
import io.baton.client.spi.ClientTransport;
import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.WireFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How a client or gateway first reaches the mesh: the protocol and the bootstrap site, plus the
 * protocol's own settings. Shared by both builders, so the two cannot drift apart.
 */
final class Connection {
  private String coapEndpoint;
  private String mqttSite;
  private String mqttBroker;
  private MqttVersion mqttVersion = MqttVersion.V3_1_1;
  private WireFormat telemetryFormat = WireFormat.JSON;
  private boolean confirmableTelemetry = true;
  private ClientCredentials credentials;

  void coap(String endpoint) {
    this.coapEndpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.mqttSite = null;
    this.mqttBroker = null;
  }

  void mqtt(String siteId, String brokerUri, MqttVersion version) {
    this.mqttSite = Objects.requireNonNull(siteId, "siteId");
    this.mqttBroker = Objects.requireNonNull(brokerUri, "brokerUri");
    this.mqttVersion = Objects.requireNonNull(version, "version");
    this.coapEndpoint = null;
  }

  void telemetryFormat(WireFormat format) {
    this.telemetryFormat = Objects.requireNonNull(format, "format");
  }

  void confirmableTelemetry(boolean confirmable) {
    this.confirmableTelemetry = confirmable;
  }

  void credentials(ClientCredentials own) {
    this.credentials = Objects.requireNonNull(own, "credentials");
  }

  Optional<ClientCredentials> credentials() {
    return Optional.ofNullable(credentials);
  }

  boolean isMqtt() {
    return mqttBroker != null;
  }

  /** Credentials are the client's own: a client acts only as itself. */
  void check(String clientId) {
    if (credentials != null && !credentials.clientId().equals(clientId)) {
      throw new IllegalStateException("the credentials are client '" + credentials.clientId() + "''s, not '" + clientId + "''s");
    }
    if (coapEndpoint == null && mqttBroker == null) {
      throw new IllegalStateException("name a bootstrap site: site(coapEndpoint) or mqtt(siteId, brokerUri)");
    }
    if (isMqtt() && telemetryFormat != WireFormat.JSON) {
      throw new IllegalStateException("MQTT telemetry is JSON; CBOR is a CoAP content format");
    }
  }

  /** The bootstrap site as an assignment of epoch 0: older than anything the mesh will say. */
  Assignment bootstrap(String clientId, String service) {
    return isMqtt()
        ? new Assignment(clientId, service, mqttSite, "", mqttBroker, 0)
        : new Assignment(clientId, service, "", coapEndpoint, "", 0);
  }

  ClientTransport open(String clientId, ScheduledExecutorService timers, AssignmentVerifier verifier) {
    return isMqtt()
        ? new MqttTransport(clientId, mqttVersion, credentials(), verifier)
        : new CoapTransport(timers, telemetryFormat, confirmableTelemetry, credentials(), verifier);
  }

  /** Checks assignments with the client's redirect key, when it has credentials. */
  AssignmentVerifier verifier() {
    return new AssignmentVerifier(credentials().map(own -> own.secrets().redirectKey()));
  }
}
