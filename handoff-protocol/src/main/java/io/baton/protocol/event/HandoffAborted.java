package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * A handoff that did not happen. {@code failedStep} names the step that failed, {@code reason} why,
 * and {@code compensation} what was done about it (normally: the source resumed serving).
 */
public record HandoffAborted(
    String handoffId,
    String clientId,
    String instanceId,
    String sourceSite,
    String targetSite,
    long epoch,
    String failedStep,
    String reason,
    String compensation) implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("clientId", clientId)
        .put("instanceId", instanceId)
        .put("sourceSite", sourceSite)
        .put("targetSite", targetSite)
        .put("epoch", epoch)
        .put("failedStep", failedStep)
        .put("reason", reason)
        .put("compensation", compensation);
  }

  public HandoffAborted withCompensation(String done) {
    return new HandoffAborted(handoffId, clientId, instanceId, sourceSite, targetSite, epoch, failedStep, reason, done);
  }

  public static HandoffAborted fromJson(JsonObject json) {
    return new HandoffAborted(
        json.getString("handoffId"),
        json.getString("clientId"),
        json.getString("instanceId"),
        json.getString("sourceSite"),
        json.getString("targetSite"),
        json.getLong("epoch"),
        json.getString("failedStep"),
        json.getString("reason"),
        json.getString("compensation"));
  }
}
