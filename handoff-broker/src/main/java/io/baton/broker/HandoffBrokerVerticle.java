package io.baton.broker;

import io.baton.broker.journal.ClusterView;
import io.baton.broker.journal.HandoffJournal;
import io.baton.broker.journal.TakeoverWatcher;
import io.baton.broker.saga.HandoffSaga;
import io.baton.broker.trigger.A3Trigger;
import io.baton.protocol.health.StallWatchdog;
import io.baton.protocol.Addresses;
import io.baton.protocol.codec.EventCodecs;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.DrainingSites;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.broker.metrics.HandoffMetricsRegistry;
import io.baton.broker.metrics.TelemetryIntakeRegistry;
import io.baton.protocol.event.TelemetryIntake;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.event.TelemetryReportedBatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches telemetry and hands clients off when the A3 trigger fires; at most one handoff per
 * client at a time from this broker, and the directory lock keeps any two brokers from racing.
 */
public final class HandoffBrokerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HandoffBrokerVerticle.class);
  private static final long EXPIRY_PERIOD_MS = 30_000;
  private static final long TAKEOVER_SCAN_MS = 500;
  private static final long JOURNAL_RETENTION_MS = 3_600_000;

  private final BrokerConfig config;
  private final Set<String> inFlight = new HashSet<>();
  private final HandoffMetricsRegistry metrics = new HandoffMetricsRegistry();
  private final TelemetryIntakeRegistry intake = new TelemetryIntakeRegistry();
  private final String metricsHost;
  private A3Trigger trigger;
  private HandoffSaga saga;
  private ClientDirectory clients;
  private SiteDirectory sites;
  private DrainingSites draining;
  private HandoffJournal journal;
  private TakeoverWatcher watcher;
  private ClusterView cluster;

  public HandoffBrokerVerticle(BrokerConfig config, String metricsHost) {
    this.config = config;
    this.metricsHost = metricsHost;
  }

  @Override
  public Future<?> start() {
    EventCodecs.registerAll(vertx.eventBus());
    trigger = new A3Trigger(config);
    cluster = ClusterView.of(vertx);
    journal = new HandoffJournal(vertx);
    saga = new HandoffSaga(vertx, config, journal, cluster.localNode(), metricsHost);
    watcher = new TakeoverWatcher(vertx, journal, cluster, metricsHost, JOURNAL_RETENTION_MS, this::takeOver);
    watcher.start(TAKEOVER_SCAN_MS);
    clients = new ClientDirectory(vertx);
    sites = new SiteDirectory(vertx);
    draining = new DrainingSites(vertx);
    vertx.setPeriodic(EXPIRY_PERIOD_MS, id -> trigger.expireIdle());
    vertx.eventBus().<HandoffCompleted>consumer(Addresses.HANDOFF_COMPLETED, message -> metrics.record(message.body()));
    vertx.eventBus().<HandoffAborted>consumer(Addresses.HANDOFF_ABORTED, message -> metrics.record(message.body()));
    vertx.eventBus().<TelemetryIntake>consumer(Addresses.TELEMETRY_INTAKE, message -> intake.record(message.body()));
    // Started means both registrations reached the cluster: a broker reports ready only then.
    Future<Void> migrations = vertx.eventBus().<JsonObject>consumer(Addresses.MIGRATION_REQUESTED, this::onMigrationRequested)
        .completion();
    return vertx.eventBus().<TelemetryReportedBatch>consumer(Addresses.TELEMETRY_REPORTED,
            message -> message.body().reports().forEach(this::onTelemetry))
        .completion()
        .compose(v -> migrations)
        .compose(v -> config.metricsPort() == 0 ? Future.succeededFuture() : vertx.createHttpServer()
            .requestHandler(request -> request.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4")
                .end(metricsExposition()))
            .listen(config.metricsPort(), metricsHost)
            .mapEmpty());
  }

  /** The journal of every handoff (running, completed, aborted) this cluster's brokers ran. */
  public HandoffJournal journal() {
    return journal;
  }

  /** This broker's cluster node id: the owner named in the journal entries of the handoffs it runs. */
  public String nodeId() {
    return cluster.localNode();
  }

  private void takeOver(TakeoverWatcher.Claimed claimed) {
    String clientId = claimed.entry().request().clientId();
    inFlight.add(clientId);
    saga.resume(claimed.entry(), claimed.written())
        .onSuccess(done -> LOG.info("handoff {} of {} finished after takeover", done.handoffId(), clientId))
        .onFailure(failure -> LOG.warn("handoff {} of {} ended after takeover: {}", claimed.entry().handoffId(), clientId,
            failure.getMessage()))
        .onComplete(done -> inFlight.remove(clientId));
  }

  /** The metrics of the handoffs this broker ran or saw, and the agents' telemetry counters, as Prometheus text. */
  public String metricsExposition() {
    return metrics.exposition() + intake.exposition() + StallWatchdog.exposition();
  }

  private void onTelemetry(TelemetryReported report) {
    trigger.observe(report).ifPresent(target -> {
      if (!inFlight.contains(report.clientId())) {
        startHandoff(report.clientId(), target, config.technique(), "a3").onFailure(failure -> trigger.rearm(report.clientId(), target));
      }
    });
  }

  /**
   * A member asks for a client to be moved (an agent draining its site, {@code baton migrate}), with
   * the broker's technique unless it names one; the reply waits for the saga's end.
   */
  private void onMigrationRequested(Message<JsonObject> request) {
    JsonObject body = request.body();
    String clientId = body.getString("clientId");
    String target = body.getString("target");
    String technique = body.getString("technique", config.technique());
    if (clientId == null || target == null) {
      request.fail(400, "a migration request names clientId and target");
      return;
    }
    if (!BrokerConfig.TECHNIQUES.contains(technique)) {
      request.fail(400, "unknown technique '" + technique + "'; use one of " + BrokerConfig.TECHNIQUES);
      return;
    }
    startHandoff(clientId, target, technique, body.getString("reason", "requested"))
        .onSuccess(done -> request.reply(new JsonObject().put("handoffId", done.handoffId())
            .put("sourceSite", done.sourceSite()).put("targetSite", done.targetSite())))
        .onFailure(failure -> request.fail(409, String.valueOf(failure.getMessage())));
  }

  /**
   * Starts a handoff of the client's service to {@code targetSite}: the manual entry point, safe to
   * call from any thread (the work runs on the broker's context).
   */
  public Future<HandoffCompleted> handOff(String clientId, String targetSite, String reason) {
    return handOff(clientId, targetSite, config.technique(), reason);
  }

  /** As {@link #handOff(String, String, String)} with a technique of its own (cold, pre-copy, post-copy, hybrid, adaptive). */
  public Future<HandoffCompleted> handOff(String clientId, String targetSite, String technique, String reason) {
    if (!BrokerConfig.TECHNIQUES.contains(technique)) {
      return Future.failedFuture("unknown technique '" + technique + "'; use one of " + BrokerConfig.TECHNIQUES);
    }
    Promise<HandoffCompleted> done = Promise.promise();
    context.runOnContext(v -> startHandoff(clientId, targetSite, technique, reason).onComplete(done));
    return done.future();
  }

  private Future<HandoffCompleted> startHandoff(String clientId, String targetSite, String technique, String reason) {
    if (!inFlight.add(clientId)) {
      return Future.failedFuture("a handoff of " + clientId + " is already running");
    }
    Future<Boolean> targetDraining = draining.contains(targetSite);
    return clients.find(clientId)
        .compose(found -> targetDraining.compose(drains -> drains
            ? Future.failedFuture("site " + targetSite + " is draining: it takes no new clients")
            : Future.succeededFuture(found)))
        .compose(found -> found.filter(record -> !record.inHandoff())
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture("client " + clientId + " is unknown or already in a handoff")))
        .compose((ClientRecord record) -> record.site().equals(targetSite)
            ? Future.failedFuture("client " + clientId + " is already served by " + targetSite)
            : sites.lookup(record.site()).compose(source -> sites.lookup(targetSite)
                .compose(target -> saga.run(record, source, target, technique, reason))))
        .onSuccess(done -> LOG.info("handoff {} of {}: {} -> {} in {} ms (downtime {} ms)", done.handoffId(), clientId,
            done.sourceSite(), done.targetSite(), String.format("%.1f", done.handoffMillis()),
            String.format("%.1f", done.downtimeMillis())))
        .onFailure(failure -> LOG.warn("handoff of {} to {} did not happen: {}", clientId, targetSite, failure.getMessage()))
        .onComplete(done -> inFlight.remove(clientId));
  }
}
