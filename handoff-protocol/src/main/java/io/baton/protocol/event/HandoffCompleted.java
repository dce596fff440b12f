package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * A finished handoff and what it cost. {@code handoffMillis} runs from the request to the target
 * serving (seed 002's handoff time); {@code downtimeMillis} from the freeze request to the target
 * serving, as the broker saw it. {@code metrics} breaks the migration down as seed 000 does.
 */
public record HandoffCompleted(
    String handoffId,
    String clientId,
    String sourceSite,
    String targetSite,
    long epoch,
    String technique,
    double handoffMillis,
    double downtimeMillis,
    long bytesMoved,
    boolean prestaged,
    MigrationMetrics metrics) implements BatonEvent {

  /** What crossed the link once the source was frozen: the dump, and pages faulted in after the resume. */
  public long bytesAfterFreeze() {
    return metrics.dumpBytes() + metrics.faultedPagesBytes();
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("clientId", clientId)
        .put("sourceSite", sourceSite)
        .put("targetSite", targetSite)
        .put("epoch", epoch)
        .put("technique", technique)
        .put("handoffMillis", handoffMillis)
        .put("downtimeMillis", downtimeMillis)
        .put("bytesMoved", bytesMoved)
        .put("prestaged", prestaged)
        .put("metrics", metrics.toJson());
  }

  public static HandoffCompleted fromJson(JsonObject json) {
    return new HandoffCompleted(
        json.getString("handoffId"),
        json.getString("clientId"),
        json.getString("sourceSite"),
        json.getString("targetSite"),
        json.getLong("epoch"),
        json.getString("technique"),
        json.getDouble("handoffMillis"),
        json.getDouble("downtimeMillis"),
        json.getLong("bytesMoved"),
        json.getBoolean("prestaged"),
        MigrationMetrics.fromJson(json.getJsonObject("metrics")));
  }
}
