package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * Seed 000's component metrics of one migration, in milliseconds and bytes. Downtime in seed
 * 000's sense is dump + dump transfer + resume; {@code totalMillis} runs from the handoff request
 * until the target held every page.
 */
public record MigrationMetrics(
    double preDumpMillis,
    double preDumpTransferMillis,
    double dumpMillis,
    double dumpTransferMillis,
    double resumeMillis,
    double faultedPagesTransferMillis,
    long preDumpBytes,
    long dumpBytes,
    long faultedPagesBytes,
    int preDumpRounds,
    long faults,
    double totalMillis) {

  public static final MigrationMetrics NONE = new MigrationMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  public double componentDowntimeMillis() {
    return dumpMillis + dumpTransferMillis + resumeMillis;
  }

  public long bytesMoved() {
    return preDumpBytes + dumpBytes + faultedPagesBytes;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("preDumpMillis", preDumpMillis)
        .put("preDumpTransferMillis", preDumpTransferMillis)
        .put("dumpMillis", dumpMillis)
        .put("dumpTransferMillis", dumpTransferMillis)
        .put("resumeMillis", resumeMillis)
        .put("faultedPagesTransferMillis", faultedPagesTransferMillis)
        .put("preDumpBytes", preDumpBytes)
        .put("dumpBytes", dumpBytes)
        .put("faultedPagesBytes", faultedPagesBytes)
        .put("preDumpRounds", preDumpRounds)
        .put("faults", faults)
        .put("totalMillis", totalMillis);
  }

  public static MigrationMetrics fromJson(JsonObject json) {
    return new MigrationMetrics(json.getDouble("preDumpMillis"), json.getDouble("preDumpTransferMillis"),
        json.getDouble("dumpMillis"), json.getDouble("dumpTransferMillis"), json.getDouble("resumeMillis"),
        json.getDouble("faultedPagesTransferMillis"), json.getLong("preDumpBytes"), json.getLong("dumpBytes"),
        json.getLong("faultedPagesBytes"), json.getInteger("preDumpRounds"), json.getLong("faults"), json.getDouble("totalMillis"));
  }
}
