package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * The target agent accepted the handoff and is ready to receive state on its transfer endpoint.
 * {@code prestagedBytes} is what a completed pre-stage of the instance left at the target (0 if
 * none did): the handoff then sends only what changed since.
 */
public record TargetPrepared(String handoffId, String targetSite, String transferHost, int transferPort, long prestagedBytes)
    implements BatonEvent {

  public TargetPrepared(String handoffId, String targetSite, String transferHost, int transferPort) {
    this(handoffId, targetSite, transferHost, transferPort, 0);
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("targetSite", targetSite)
        .put("transferHost", transferHost)
        .put("transferPort", transferPort)
        .put("prestagedBytes", prestagedBytes);
  }

  public static TargetPrepared fromJson(JsonObject json) {
    return new TargetPrepared(
        json.getString("handoffId"),
        json.getString("targetSite"),
        json.getString("transferHost"),
        json.getInteger("transferPort"),
        json.getLong("prestagedBytes", 0L));
  }
}
