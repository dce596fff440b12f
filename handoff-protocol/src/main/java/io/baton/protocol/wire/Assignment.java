package io.baton.protocol.wire;

import io.baton.protocol.wire.InvalidPayloadException.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Where a client's service runs: the answer to an attach and the body of every redirect
 * notification, over CoAP and MQTT alike. It names the site and both of its client endpoints
 * ({@code mqttEndpoint} is empty when the site speaks no MQTT). {@code epoch} grows by one with each
 * handoff, so a client can ignore stale news.
 */
public record Assignment(String clientId, String service, String site, String coapEndpoint, String mqttEndpoint, long epoch) {

  public Assignment {
    mqttEndpoint = mqttEndpoint == null ? "" : mqttEndpoint;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("clientId", clientId)
        .put("service", service)
        .put("site", site)
        .put("coapEndpoint", coapEndpoint)
        .put("mqttEndpoint", mqttEndpoint)
        .put("epoch", epoch);
  }

  /**
   * An assignment as a client receives it from the network (an attach answer, a redirect): strictly
   * checked, so a malformed or forged message is refused with a reason instead of breaking the
   * client's session.
   */
  public static Assignment parse(Buffer body) throws InvalidPayloadException {
    JsonObject json = JsonFields.parseObject(body);
    Object epoch = json.getValue("epoch");
    if (!(epoch instanceof Number number) || number.doubleValue() != number.longValue() || number.longValue() < 0) {
      throw new InvalidPayloadException(Kind.INVALID, "field 'epoch' must be a non-negative integer");
    }
    return new Assignment(JsonFields.id(json, "clientId"), JsonFields.id(json, "service"), JsonFields.id(json, "site"),
        endpoint(json, "coapEndpoint", true), endpoint(json, "mqttEndpoint", false), number.longValue());
  }

  private static String endpoint(JsonObject json, String field, boolean required) throws InvalidPayloadException {
    Object value = json.getValue(field);
    if (value == null && !required) {
      return "";
    }
    if (!(value instanceof String text) || (required && text.isEmpty()) || text.length() > 256) {
      throw new InvalidPayloadException(Kind.INVALID, "field '" + field + "' must be an endpoint URI");
    }
    return text;
  }
}
