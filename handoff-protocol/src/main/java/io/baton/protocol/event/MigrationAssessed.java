package io.baton.protocol.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the source measured before an adaptive handoff: the link to the target (over the transfer
 * plane itself), the state's size and how fast the service dirties it. {@code stateKind} says which
 * model predicts its techniques: {@link #PAGED} for the embedded runtime's paged memory,
 * {@link #CONTAINER} for a container moved by CRIU checkpoints; {@code techniques} lists what the
 * source's runtime can run (empty: all four).
 */
public record MigrationAssessed(
    String handoffId, double bytesPerSecond, double rttMillis, long stateBytes, double dirtyBytesPerSecond, long executionStateBytes,
    String stateKind, List<String> techniques)
    implements BatonEvent {
  public static final String PAGED = "paged";
  public static final String CONTAINER = "container";

  public MigrationAssessed {
    techniques = List.copyOf(techniques);
  }

  /** A paged-memory assessment: every technique applies. */
  public MigrationAssessed(String handoffId, double bytesPerSecond, double rttMillis, long stateBytes, double dirtyBytesPerSecond,
      long executionStateBytes) {
    this(handoffId, bytesPerSecond, rttMillis, stateBytes, dirtyBytesPerSecond, executionStateBytes, PAGED, List.of());
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("bytesPerSecond", bytesPerSecond)
        .put("rttMillis", rttMillis)
        .put("stateBytes", stateBytes)
        .put("dirtyBytesPerSecond", dirtyBytesPerSecond)
        .put("executionStateBytes", executionStateBytes)
        .put("stateKind", stateKind)
        .put("techniques", new JsonArray(techniques));
  }

  public static MigrationAssessed fromJson(JsonObject json) {
    return new MigrationAssessed(json.getString("handoffId"), json.getDouble("bytesPerSecond"), json.getDouble("rttMillis"),
        json.getLong("stateBytes"), json.getDouble("dirtyBytesPerSecond"), json.getLong("executionStateBytes"),
        json.getString("stateKind", PAGED),
        json.getJsonArray("techniques", new JsonArray()).stream().map(String::valueOf).toList());
  }
}
