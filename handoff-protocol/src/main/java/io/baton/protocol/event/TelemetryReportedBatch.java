package io.baton.protocol.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Validated telemetry reports as one agent publishes them: a few milliseconds' worth at once, so a
 * busy agent pays one clustered publish per batch instead of one per report. Consumers take the
 * reports in order; each is exactly what a lone {@link TelemetryReported} would have been.
 */
public record TelemetryReportedBatch(List<TelemetryReported> reports) implements BatonEvent {

  public TelemetryReportedBatch {
    reports = List.copyOf(reports);
  }

  @Override
  public JsonObject toJson() {
    JsonArray all = new JsonArray(new ArrayList<>(reports.size()));
    reports.forEach(report -> all.add(report.toJson()));
    return new JsonObject().put("reports", all);
  }

  public static TelemetryReportedBatch fromJson(JsonObject json) {
    JsonArray all = json.getJsonArray("reports");
    List<TelemetryReported> reports = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      reports.add(TelemetryReported.fromJson(all.getJsonObject(i)));
    }
    return new TelemetryReportedBatch(reports);
  }
}
