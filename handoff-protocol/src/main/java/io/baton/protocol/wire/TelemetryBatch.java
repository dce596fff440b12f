package io.baton.protocol.wire;

import io.baton.protocol.wire.InvalidPayloadException.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The telemetry in one message: a single report (a JSON/CBOR object) or a gateway's batch (an array
 * of reports, one per device it speaks for). A batch is all or nothing: one bad report refuses the
 * whole message, with the index of the culprit, so a gateway never has to guess what got through.
 */
public final class TelemetryBatch {
  /** Large enough for a gateway's second of reports, small enough to bound one message's work. */
  public static final int MAX_REPORTS = 1_000;

  private TelemetryBatch() {
  }

  public static List<TelemetryReport> parse(WireFormat format, byte[] payload) throws InvalidPayloadException {
    Object tree = format.decode(payload);
    if (tree instanceof JsonObject single) {
      return List.of(TelemetryReport.fromJson(single));
    }
    JsonArray array = (JsonArray) tree;
    if (array.isEmpty() || array.size() > MAX_REPORTS) {
      throw new InvalidPayloadException(Kind.INVALID, "a batch holds 1 to " + MAX_REPORTS + " reports, got " + array.size());
    }
    List<TelemetryReport> reports = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object entry = array.getValue(i);
      if (!(entry instanceof JsonObject report)) {
        throw new InvalidPayloadException(Kind.INVALID, "report[" + i + "] must be an object, got " + JsonFields.typeName(entry));
      }
      try {
        reports.add(TelemetryReport.fromJson(report));
      } catch (InvalidPayloadException e) {
        throw new InvalidPayloadException(e.kind(), "report[" + i + "]: " + e.reason());
      }
    }
    return List.copyOf(reports);
  }

  /** The wire form of a batch, as a gateway sends it. */
  public static JsonArray toJson(List<TelemetryReport> reports) {
    JsonArray array = new JsonArray();
    reports.forEach(report -> array.add(report.toJson()));
    return array;
  }
}
