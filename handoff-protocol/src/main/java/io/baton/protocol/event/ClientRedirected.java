package io.baton.protocol.event;

import io.baton.protocol.wire.Assignment;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Tells the client's observers where its service now runs. {@code service} and {@code mqttEndpoint}
 * complete the client's assignment, so agents can redirect the client without reading the
 * directory first; {@code service} is empty when the publisher does not know them (then agents read it).
 */
public record ClientRedirected(String handoffId, String clientId, String site, String coapEndpoint, long epoch,
    String service, String mqttEndpoint) implements BatonEvent {

  public ClientRedirected {
    service = service == null ? "" : service;
    mqttEndpoint = mqttEndpoint == null ? "" : mqttEndpoint;
  }

  /** Without the assignment's other fields: agents look the client up. */
  public ClientRedirected(String handoffId, String clientId, String site, String coapEndpoint, long epoch) {
    this(handoffId, clientId, site, coapEndpoint, epoch, "", "");
  }

  /** The assignment the client is to follow, when this event carries all of it. */
  public Optional<Assignment> assignment() {
    return service.isEmpty() ? Optional.empty()
        : Optional.of(new Assignment(clientId, service, site, coapEndpoint, mqttEndpoint, epoch));
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("clientId", clientId)
        .put("site", site)
        .put("coapEndpoint", coapEndpoint)
        .put("epoch", epoch)
        .put("service", service)
        .put("mqttEndpoint", mqttEndpoint);
  }

  public static ClientRedirected fromJson(JsonObject json) {
    return new ClientRedirected(
        json.getString("handoffId"),
        json.getString("clientId"),
        json.getString("site"),
        json.getString("coapEndpoint"),
        json.getLong("epoch"),
        json.getString("service", ""),
        json.getString("mqttEndpoint", ""));
  }
}
