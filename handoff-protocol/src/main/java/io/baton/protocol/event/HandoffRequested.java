package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * The broker decided to move {@code instanceId} from {@code sourceSite} to {@code targetSite}. The
 * instance runs with {@code epoch} now; at the target it will run with {@code epoch + 1}.
 */
public record HandoffRequested(
    String handoffId,
    String clientId,
    String instanceId,
    String serviceKind,
    String sourceSite,
    String targetSite,
    long epoch,
    String technique,
    String trigger,
    long requestedAtMs) implements BatonEvent {

  /** The same request with its technique decided (an adaptive request becomes a concrete one). */
  public HandoffRequested withTechnique(String chosen) {
    return new HandoffRequested(handoffId, clientId, instanceId, serviceKind, sourceSite, targetSite, epoch, chosen, trigger,
        requestedAtMs);
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("clientId", clientId)
        .put("instanceId", instanceId)
        .put("serviceKind", serviceKind)
        .put("sourceSite", sourceSite)
        .put("targetSite", targetSite)
        .put("epoch", epoch)
        .put("technique", technique)
        .put("trigger", trigger)
        .put("requestedAtMs", requestedAtMs);
  }

  public static HandoffRequested fromJson(JsonObject json) {
    return new HandoffRequested(
        json.getString("handoffId"),
        json.getString("clientId"),
        json.getString("instanceId"),
        json.getString("serviceKind"),
        json.getString("sourceSite"),
        json.getString("targetSite"),
        json.getLong("epoch"),
        json.getString("technique"),
        json.getString("trigger"),
        json.getLong("requestedAtMs"));
  }
}
