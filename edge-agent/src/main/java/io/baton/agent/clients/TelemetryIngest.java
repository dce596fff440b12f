package io.baton.agent.clients;

import io.baton.agent.Failures.UnknownClientException;
import io.baton.agent.clients.TelemetryAdmission.Transport;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Accepts parsed telemetry if it is about known clients and only names known sites, stamps each
 * report with the client's serving site, and hands it to the batcher that publishes it. A message
 * (one report, or a gateway's batch) is checked whole before any of it is published, so a batch
 * with one bad report publishes nothing, and bad input never reaches the predictor or the broker.
 *
 * <p>Transports {@link #submit} from their own threads: the admission bound is taken there, and
 * the checks run on the telemetry context, which is not the one calls and handoffs run on. The
 * client's record comes from the agent's {@link ClientView}, so an accepted report costs no
 * remote read; only a client the view does not know yet is read from the directory.
 */
public final class TelemetryIngest {
  private static final long SITE_CACHE_MILLIS = 2_000;

  private final String siteId;
  private final Context context;
  private final ClientView view;
  private final SiteDirectory sites;
  private final TelemetryAdmission admission;
  private final TelemetryBatcher batcher;
  private Set<String> knownSites = Set.of();
  private long knownSitesAt;

  /** {@code context}: the one the checks and the batching run on (see {@link TelemetryContext}). */
  public TelemetryIngest(Vertx vertx, String siteId, Context context, ClientView view, TelemetryAdmission admission) {
    this.siteId = siteId;
    this.context = context;
    this.view = view;
    this.admission = admission;
    this.sites = new SiteDirectory(vertx);
    this.batcher = new TelemetryBatcher(vertx);
  }

  public TelemetryAdmission admission() {
    return admission;
  }

  /**
   * Offers a message's reports from a transport's thread. Empty if the agent is over its bound and
   * shed them (counted); otherwise the outcome, completed on the telemetry context.
   */
  public Optional<Future<List<TelemetryReported>>> submit(Transport transport, List<TelemetryReport> reports) {
    return submit(transport, reports.size(), () -> reports);
  }

  /**
   * As {@link #submit(Transport, List)} for a message not parsed yet: it counts as {@code units}
   * against the bound, and is parsed on the telemetry context, so the transport's thread (MQTT's
   * one callback thread) only sorts and admits, and a backlog builds here, where it is bounded,
   * rather than in the broker.
   */
  public Optional<Future<List<TelemetryReported>>> submit(Transport transport, int units, Parse parse) {
    if (!admission.tryAdmit(transport, units)) {
      return Optional.empty();
    }
    Promise<List<TelemetryReported>> outcome = Promise.promise();
    context.runOnContext(v -> {
      Future<List<TelemetryReported>> accepted;
      int[] reports = {units};
      try {
        List<TelemetryReport> parsed = parse.reports();
        reports[0] = parsed.size();
        accepted = acceptAll(parsed);
      } catch (InvalidPayloadException | RuntimeException e) {
        accepted = Future.failedFuture(e);
      }
      accepted.onComplete(done -> admission.done(transport, units, reports[0], done.succeeded()));
      accepted.onComplete(outcome);
    });
    return Optional.of(outcome.future());
  }

  /** A message's reports, parsed (and checked against its publisher) on the telemetry context. */
  @FunctionalInterface
  public interface Parse {
    List<TelemetryReport> reports() throws InvalidPayloadException;
  }

  /** Checks and publishes a message's reports; runs on the telemetry context. */
  Future<List<TelemetryReported>> acceptAll(List<TelemetryReport> reports) {
    return knowSites(reports).compose(v -> knowClients(reports)).compose(records -> {
      List<TelemetryReported> events = new ArrayList<>(reports.size());
      for (int i = 0; i < reports.size(); i++) {
        TelemetryReport report = reports.get(i);
        ClientRecord record = records.get(report.clientId());
        Exception refusal = record == null ? new UnknownClientException(report.clientId()) : unknownSite(report);
        if (refusal != null) {
          return Future.failedFuture(reports.size() == 1 ? refusal : inBatch(i, refusal));
        }
        events.add(new TelemetryReported(report.clientId(), siteId, record.site(), record.inHandoff(), report.timestampMs(),
            report.x(), report.y(), report.speedMps(), report.headingDeg(), report.rssiDbm()));
      }
      batcher.add(events);
      return Future.succeededFuture(events);
    });
  }

  /** Names the culprit of a batch, keeping what kind of refusal it is (unknown: 4.04, invalid: 4.00). */
  private static Exception inBatch(int index, Exception refusal) {
    InvalidPayloadException.Kind kind = refusal instanceof InvalidPayloadException invalid ? invalid.kind()
        : InvalidPayloadException.Kind.UNKNOWN;
    return new InvalidPayloadException(kind, "report[" + index + "]: " + refusal.getMessage());
  }

  /**
   * Every client of the message, from the view, and from the directory for those the view lacks.
   * A client absent from both is left out: the caller refuses its report.
   */
  private Future<Map<String, ClientRecord>> knowClients(List<TelemetryReport> reports) {
    Map<String, ClientRecord> records = new HashMap<>();
    List<Future<Optional<ClientRecord>>> reads = new ArrayList<>();
    for (TelemetryReport report : reports) {
      String id = report.clientId();
      if (!records.containsKey(id)) {
        Optional<ClientRecord> known = view.known(id);
        if (known.isPresent()) {
          records.put(id, known.get());
        } else {
          records.put(id, null);
          reads.add(view.fetch(id));
        }
      }
    }
    if (reads.isEmpty()) {
      return Future.succeededFuture(records);
    }
    return Future.all(reads).map(all -> {
      for (int i = 0; i < reads.size(); i++) {
        reads.get(i).result().ifPresent(record -> records.put(record.clientId(), record));
      }
      return records;
    });
  }

  /** Reads the site list again if it is old, or if a report names a site it does not hold. */
  private Future<Void> knowSites(List<TelemetryReport> reports) {
    boolean fresh = System.currentTimeMillis() - knownSitesAt < SITE_CACHE_MILLIS;
    if (fresh && reports.stream().allMatch(report -> knownSites.containsAll(report.rssiDbm().keySet()))) {
      return Future.succeededFuture();
    }
    return sites.all().map(all -> {
      knownSites = Set.copyOf(all.keySet());
      knownSitesAt = System.currentTimeMillis();
      return null;
    });
  }

  private InvalidPayloadException unknownSite(TelemetryReport report) {
    for (String site : report.rssiDbm().keySet()) {
      if (!knownSites.contains(site)) {
        return new InvalidPayloadException(InvalidPayloadException.Kind.UNKNOWN,
            "unknown site '" + site + "' in rssi; known sites: " + String.join(", ", knownSites));
      }
    }
    return null;
  }
}
