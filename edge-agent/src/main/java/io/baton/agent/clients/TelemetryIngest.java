package io.baton.agent.clients;

import io.baton.agent.Failures;
import io.baton.agent.Failures.UnknownClientException;
import io.baton.protocol.Addresses;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Accepts a parsed telemetry report if it is about a known client and only names known sites, and
 * publishes it on the bus. Anything refused is refused before the publish, so bad input never
 * reaches the predictor or the broker.
 */
public final class TelemetryIngest {
  private static final long SITE_CACHE_MILLIS = 2_000;

  private final Vertx vertx;
  private final String siteId;
  private final ClientDirectory clients;
  private final SiteDirectory sites;
  private Set<String> knownSites = Set.of();
  private long knownSitesAt;

  public TelemetryIngest(Vertx vertx, String siteId) {
    this.vertx = vertx;
    this.siteId = siteId;
    this.clients = new ClientDirectory(vertx);
    this.sites = new SiteDirectory(vertx);
  }

  public Future<TelemetryReported> accept(TelemetryReport report) {
    return acceptAll(List.of(report)).map(events -> events.get(0));
  }

  /**
   * Accepts a gateway's batch as one: every report is checked before any is published, so a batch
   * with one bad report publishes nothing.
   */
  public Future<List<TelemetryReported>> acceptAll(List<TelemetryReport> reports) {
    List<Future<TelemetryReported>> checked = new ArrayList<>(reports.size());
    for (int i = 0; i < reports.size(); i++) {
      Future<TelemetryReported> one = check(reports.get(i));
      checked.add(reports.size() == 1 ? one : one.recover(inBatch(i)));
    }
    return Future.all(checked).map(all -> {
      List<TelemetryReported> events = all.list();
      events.forEach(event -> vertx.eventBus().publish(Addresses.TELEMETRY_REPORTED, event));
      return events;
    });
  }

  /** Names the culprit of a batch, keeping what kind of refusal it is (unknown: 4.04, invalid: 4.00). */
  private static Function<Throwable, Future<TelemetryReported>> inBatch(int index) {
    return failure -> {
      boolean unknown = Failures.status(failure) == Failures.NOT_FOUND;
      boolean invalid = Failures.status(failure) == Failures.BAD_REQUEST;
      if (!unknown && !invalid) {
        return Future.failedFuture(failure);
      }
      return Future.failedFuture(new InvalidPayloadException(unknown ? InvalidPayloadException.Kind.UNKNOWN
          : InvalidPayloadException.Kind.INVALID, "report[" + index + "]: " + Failures.reason(failure)));
    };
  }

  private Future<TelemetryReported> check(TelemetryReport report) {
    return clients.find(report.clientId())
        .compose(record -> record.isPresent()
            ? Future.succeededFuture(record.get())
            : Future.failedFuture(new UnknownClientException(report.clientId())))
        .compose(record -> checkSites(report).map(v -> new TelemetryReported(
            report.clientId(), siteId, record.site(), record.inHandoff(), report.timestampMs(),
            report.x(), report.y(), report.speedMps(), report.headingDeg(), report.rssiDbm())));
  }

  private Future<Void> checkSites(TelemetryReport report) {
    if (knownSites.containsAll(report.rssiDbm().keySet()) && System.currentTimeMillis() - knownSitesAt < SITE_CACHE_MILLIS) {
      return Future.succeededFuture();
    }
    return sites.all().compose(all -> {
      knownSites = Set.copyOf(all.keySet());
      knownSitesAt = System.currentTimeMillis();
      for (String site : report.rssiDbm().keySet()) {
        if (!knownSites.contains(site)) {
          return Future.failedFuture(new InvalidPayloadException(InvalidPayloadException.Kind.UNKNOWN,
              "unknown site '" + site + "' in rssi; known sites: " + String.join(", ", knownSites)));
        }
      }
      return Future.succeededFuture();
    });
  }
}
