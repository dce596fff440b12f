package io.baton.predictor;

import io.baton.predictor.plan.ArtifactSizes;
import io.baton.predictor.plan.LinkBandwidths;
import io.baton.predictor.plan.PlanDecisions;
import io.baton.predictor.plan.PrestagePlanner;
import io.baton.protocol.Addresses;
import io.baton.protocol.codec.EventCodecs;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.Prestaged;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.event.TelemetryReportedBatch;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The predictor as a cluster member's verticle: telemetry in from the bus, {@link Forecast}s out
 * (when the ranking changes, an ETA moves by half a second, or a second has passed), and the
 * planner's pre-stages and cancellations published for the agents to carry out. It learns link
 * bandwidths and state sizes from the agents' {@link Prestaged} reports.
 */
public final class MobilityPredictorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MobilityPredictorVerticle.class);
  private static final long EXPIRY_PERIOD_MS = 10_000;
  private static final long PLAN_IDLE_MS = 30_000;
  private static final long REPUBLISH_MS = 1_000;
  private static final long ETA_CHANGE_MS = 500;
  private static final int MAX_KNOWN_INSTANCES = 100_000;

  private final PredictorSetup setup;
  private final Map<String, Forecast> lastPublished = new HashMap<>();
  private final Map<String, ClientRecord> records = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ClientRecord> eldest) {
      return size() > MAX_KNOWN_INSTANCES;
    }
  };
  private final java.util.Set<String> lookingUp = new java.util.HashSet<>();
  private MobilityPredictor predictor;
  private PrestagePlanner planner;
  private ClientDirectory clients;

  public MobilityPredictorVerticle(PredictorSetup setup) {
    this.setup = setup;
  }

  @Override
  public Future<?> start() {
    EventCodecs.registerAll(vertx.eventBus());
    predictor = new MobilityPredictor(setup.predictor(), setup.sites());
    planner = new PrestagePlanner(setup.planner(), new LinkBandwidths(setup.planner().defaultBandwidthBps()),
        new ArtifactSizes(setup.defaultStateBytes()));
    clients = new ClientDirectory(vertx);
    vertx.setPeriodic(EXPIRY_PERIOD_MS, id -> expire());
    var prestaged = vertx.eventBus().<Prestaged>consumer(Addresses.PRESTAGED, m -> planner.completed(m.body().prestageId(),
        m.body().bytes(), m.body().transferMicros(), System.currentTimeMillis()));
    var telemetry = vertx.eventBus().<TelemetryReportedBatch>consumer(Addresses.TELEMETRY_REPORTED,
        m -> m.body().reports().forEach(this::onTelemetry));
    return Future.all(prestaged.completion(), telemetry.completion());
  }

  /** The model state, for tests and operators: rejected reports by reason, clients tracked. */
  public MobilityPredictor predictor() {
    return predictor;
  }

  private void onTelemetry(TelemetryReported report) {
    long now = System.currentTimeMillis();
    Forecast forecast = predictor.observe(report, now).orElse(null);
    if (forecast == null) {
      return;
    }
    if (worthPublishing(forecast)) {
      lastPublished.put(forecast.clientId(), forecast);
      vertx.eventBus().publish(Addresses.FORECAST, forecast);
    }
    ClientRecord record = records.get(report.clientId());
    if (record == null || !record.site().equals(report.servingSite())) {
      // The instance id comes from the directory; this report plans nothing, a later one will.
      if (lookingUp.add(report.clientId())) {
        clients.find(report.clientId())
            .onSuccess(found -> found.ifPresent(r -> records.put(r.clientId(), r)))
            .onComplete(done -> lookingUp.remove(report.clientId()));
      }
      return;
    }
    if (report.handoffInProgress()) {
      return;
    }
    publish(planner.plan(report.clientId(), record.instanceId(), report.servingSite(), forecast, now));
  }

  private boolean worthPublishing(Forecast forecast) {
    Forecast last = lastPublished.get(forecast.clientId());
    if (last == null || forecast.issuedAtMs() - last.issuedAtMs() >= REPUBLISH_MS
        || last.candidates().size() != forecast.candidates().size()) {
      return true;
    }
    for (int i = 0; i < last.candidates().size(); i++) {
      Forecast.Candidate was = last.candidates().get(i);
      Forecast.Candidate now = forecast.candidates().get(i);
      long etaWas = was.etaMs() - (forecast.issuedAtMs() - last.issuedAtMs());
      if (!was.siteId().equals(now.siteId()) || Math.abs(etaWas - now.etaMs()) > ETA_CHANGE_MS) {
        return true;
      }
    }
    return false;
  }

  private void publish(PlanDecisions decisions) {
    decisions.cancelled().forEach(c -> vertx.eventBus().publish(Addresses.PRESTAGE_CANCELLED, c));
    decisions.started().forEach(s -> {
      LOG.info("pre-staging {} from {} to {} (deadline {})", s.instanceId(), s.sourceSite(), s.targetSite(), s.deadlineMs());
      vertx.eventBus().publish(Addresses.PRESTAGE_REQUESTED, s);
    });
  }

  private void expire() {
    long now = System.currentTimeMillis();
    predictor.expireIdle(now);
    lastPublished.keySet().removeIf(client -> !predictor.tracks(client));
    planner.expireIdle(now, PLAN_IDLE_MS).forEach(c -> vertx.eventBus().publish(Addresses.PRESTAGE_CANCELLED, c));
  }
}
