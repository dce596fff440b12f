package io.baton.predictor;

import io.baton.predictor.model.ClientState;
import io.baton.predictor.model.ClientStateAccess;
import io.baton.predictor.model.ClientStates;
import io.baton.predictor.model.MotionModel;
import io.baton.predictor.model.SignalTrendModel;
import io.baton.predictor.model.SitePrediction;
import io.baton.predictor.model.TransitionModel;
import io.baton.predictor.telemetry.Rejection;
import io.baton.predictor.telemetry.RejectionCounts;
import io.baton.predictor.telemetry.TelemetryGate;
import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.TelemetryReported;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Telemetry in, forecasts out: checks each report, updates the client's state, learns a
 * transition when the serving site changed, and asks the three models for the next site. No
 * threads and no clock of its own: the caller passes its time ({@code nowMs}, for idle expiry),
 * and the models use the reports' timestamps, so a replay in simulated time is exact.
 */
public final class MobilityPredictor {
  private final PredictorConfig config;
  private final TelemetryGate gate;
  private final RejectionCounts rejections = new RejectionCounts();
  private final ClientStates clients;
  private final SignalTrendModel signal;
  private final MotionModel motion;
  private final TransitionModel transitions = new TransitionModel();
  private final ForecastCombiner combiner;

  public MobilityPredictor(PredictorConfig config, List<SitePlacement> sites, ForecastCombiner.Weights weights) {
    this.config = config;
    Set<String> ids = sites.stream().map(SitePlacement::siteId).collect(Collectors.toSet());
    this.gate = new TelemetryGate(ids);
    this.clients = new ClientStates(config.maxClients(), config.idleExpiryMs());
    this.signal = new SignalTrendModel(config);
    this.motion = new MotionModel(config, sites);
    this.combiner = new ForecastCombiner(weights, config.maxCandidates(), config.horizonMs(), config.timeToTriggerMs());
  }

  public MobilityPredictor(PredictorConfig config, List<SitePlacement> sites) {
    this(config, sites, ForecastCombiner.Weights.defaults());
  }

  /** Feeds one report; a forecast for its client unless the report was refused. */
  public Optional<Forecast> observe(TelemetryReported report, long nowMs) {
    Optional<Rejection> refused = gate.check(report);
    if (refused.isPresent()) {
      rejections.count(refused.get());
      return Optional.empty();
    }
    ClientState existing = clients.get(report.clientId());
    if (existing != null && report.timestampMs() < existing.lastReportMs()) {
      rejections.count(Rejection.OUT_OF_ORDER);
      return Optional.empty();
    }
    ClientState state = clients.heard(report.clientId(), nowMs);
    String serving = state.servingSite();
    if (serving != null && !serving.equals(report.servingSite())) {
      transitions.learn(state.clientId(), state.previousSite(), serving, report.servingSite());
    }
    ClientStateAccess.apply(state, report, config);
    signal.updateTimers(state, report.timestampMs());
    return Optional.of(forecast(state, report.timestampMs()));
  }

  private Forecast forecast(ClientState state, long atMs) {
    List<SitePrediction> bySignal = signal.predict(state, atMs);
    List<SitePrediction> byMotion = motion.predict(state);
    List<SitePrediction> byTransitions = transitions.predict(state.clientId(), state.previousSite(), state.servingSite());
    int own = transitions.ownEvidence(state.clientId(), state.previousSite(), state.servingSite());
    // The crowd's table is a weak hint; a client's own repeated route is a strong one.
    double confidence = 0.3 + 0.7 * own / (own + 1.0);
    return combiner.combine(state.clientId(), atMs, bySignal, byMotion, byTransitions, confidence, motion.coverage(state));
  }

  /** Forgets idle clients (their transition history stays: a commute comes back tomorrow). */
  public int expireIdle(long nowMs) {
    return clients.expire(nowMs);
  }

  public boolean tracks(String clientId) {
    return clients.contains(clientId);
  }

  public int trackedClients() {
    return clients.size();
  }

  public RejectionCounts rejections() {
    return rejections;
  }

  public TransitionModel transitions() {
    return transitions;
  }

  public PredictorConfig config() {
    return config;
  }
}
