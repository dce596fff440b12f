package io.baton.predictor.telemetry;

import io.baton.protocol.event.TelemetryReported;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a report before any model sees it. The agents validate what clients send, but the
 * predictor trusts nothing it did not check itself: a NaN would poison a smoothed level for good.
 * Heading and speed may be unknown (NaN) when position and RSSI are sound: the motion model then
 * works from positions alone.
 */
public final class TelemetryGate {
  private final Set<String> knownSites;

  public TelemetryGate(Set<String> knownSites) {
    this.knownSites = Set.copyOf(knownSites);
  }

  /** Empty if the report may be used, otherwise why not. */
  public Optional<Rejection> check(TelemetryReported report) {
    if (report == null || report.clientId() == null || report.clientId().isBlank() || report.servingSite() == null
        || report.rssiDbm() == null) {
      return Optional.of(Rejection.MISSING_FIELD);
    }
    if (!Double.isFinite(report.x()) || !Double.isFinite(report.y())) {
      return Optional.of(Rejection.NON_FINITE_POSITION);
    }
    if (Double.isInfinite(report.speedMps()) || report.speedMps() < 0 || Double.isInfinite(report.headingDeg())) {
      return Optional.of(Rejection.NON_FINITE_MOTION);
    }
    if (!knownSites.contains(report.servingSite())) {
      return Optional.of(Rejection.UNKNOWN_SERVING_SITE);
    }
    for (Map.Entry<String, Double> heard : report.rssiDbm().entrySet()) {
      if (!knownSites.contains(heard.getKey())) {
        return Optional.of(Rejection.UNKNOWN_SITE);
      }
      Double rssi = heard.getValue();
      if (rssi == null || !(rssi >= -150 && rssi <= 0)) {
        return Optional.of(Rejection.BAD_RSSI);
      }
    }
    return Optional.empty();
  }
}
