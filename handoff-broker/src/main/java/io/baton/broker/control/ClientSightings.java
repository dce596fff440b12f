package io.baton.broker.control;

import io.baton.protocol.event.TelemetryReported;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** The last telemetry of each client (position, serving site, signal per site), for the dashboard's map. Bounded. */
final class ClientSightings {
  private static final int CAPACITY = 10_000;

  private final Map<String, TelemetryReported> latest = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, TelemetryReported> eldest) {
      return size() > CAPACITY;
    }
  };

  synchronized void record(TelemetryReported report) {
    latest.put(report.clientId(), report);
  }

  synchronized JsonObject of(String clientId) {
    TelemetryReported report = latest.get(clientId);
    return report == null ? null : report.toJson();
  }
}
