package io.baton.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.predictor.plan.ArtifactSizes;
import io.baton.predictor.plan.LinkBandwidths;
import io.baton.predictor.plan.PlanDecisions;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.predictor.plan.PrestagePlanner;
import io.baton.predictor.telemetry.Rejection;
import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.TelemetryReported;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bounded memory, idle expiry, bad input refused with a counted reason, the link budget. */
class HousekeepingTest {
  static final List<SitePlacement> SITES = List.of(TestDrive.site("site-a", 0, 0), TestDrive.site("site-b", 400, 0));

  private static TelemetryReported report(String client, long t, double x, Map<String, Double> rssi) {
    return new TelemetryReported(client, "site-a", "site-a", false, t, x, 0, 10, 90, rssi);
  }

  private static final Map<String, Double> GOOD = Map.of("site-a", -70.0, "site-b", -90.0);

  @Test
  void idleClientsExpireAndAtMostMaxClientsAreKept() {
    MobilityPredictor predictor = new MobilityPredictor(PredictorConfig.defaults().withIdleExpiry(1_000, 3), SITES);
    for (int c = 0; c < 5; c++) {
      predictor.observe(report("car-" + c, 100, 10, GOOD), 100 + c);
    }
    assertEquals(3, predictor.trackedClients(), "the two least recently heard were evicted");
    assertTrue(predictor.tracks("car-4") && !predictor.tracks("car-0"));
    predictor.observe(report("car-4", 200, 12, GOOD), 900);
    assertEquals(2, predictor.expireIdle(1_500), "car-2 and car-3 idle for more than 1 s");
    assertTrue(predictor.tracks("car-4"));
    assertEquals(1, predictor.expireIdle(2_000));
    assertEquals(0, predictor.trackedClients());
  }

  @Test
  void malformedTelemetryIsIgnoredWithACountedReason() {
    MobilityPredictor predictor = new MobilityPredictor(PredictorConfig.defaults(), SITES);
    Map<String, Double> nanRssi = new HashMap<>(GOOD);
    nanRssi.put("site-b", Double.NaN);
    List<TelemetryReported> bad = List.of(
        report("car-1", 1, Double.NaN, GOOD),
        new TelemetryReported("car-1", "site-a", "site-a", false, 1, 0, Double.POSITIVE_INFINITY, 10, 90, GOOD),
        new TelemetryReported("car-1", "site-a", "site-a", false, 1, 0, 0, -3, 90, GOOD),
        report("car-1", 1, 0, nanRssi),
        report("car-1", 1, 0, Map.of("site-a", 12.0)),
        report("car-1", 1, 0, Map.of("site-z", -70.0)),
        new TelemetryReported("car-1", "site-z", "site-z", false, 1, 0, 0, 10, 90, GOOD),
        new TelemetryReported("", "site-a", "site-a", false, 1, 0, 0, 10, 90, GOOD));
    bad.forEach(r -> assertTrue(predictor.observe(r, 1).isEmpty(), "refused: " + r));
    assertEquals(0, predictor.trackedClients(), "bad reports change nothing");
    assertEquals(Map.of(Rejection.NON_FINITE_POSITION, 2L, Rejection.NON_FINITE_MOTION, 1L, Rejection.BAD_RSSI, 2L,
        Rejection.UNKNOWN_SITE, 1L, Rejection.UNKNOWN_SERVING_SITE, 1L, Rejection.MISSING_FIELD, 1L),
        predictor.rejections().snapshot());

    assertTrue(predictor.observe(report("car-1", 500, 0, GOOD), 2).isPresent());
    assertTrue(predictor.observe(report("car-1", 400, 0, GOOD), 3).isEmpty(), "older than the last report");
    assertEquals(1, predictor.rejections().of(Rejection.OUT_OF_ORDER));
    Forecast unknownHeadingIsFine = predictor.observe(
        new TelemetryReported("car-1", "site-a", "site-a", false, 600, 1, 0, Double.NaN, Double.NaN, GOOD), 4).orElseThrow();
    assertEquals("car-1", unknownHeadingIsFine.clientId());
  }

  @Test
  void aLinkRunsAtMostItsShareOfPrestagesAndAMoveCancelsTheRest() {
    PlannerConfig oneAtATime = new PlannerConfig(0.4, 0, 0.15, 2_000, 2, 1.5, 2_000, 0.5, 1, 12_500_000);
    PrestagePlanner planner = new PrestagePlanner(oneAtATime, new LinkBandwidths(12_500_000), new ArtifactSizes(1_000_000));
    Forecast toB = new Forecast("car-1", 0, List.of(new Forecast.Candidate("site-b", 0.8, 1_000)));
    Forecast bothToB = new Forecast("car-2", 0, List.of(new Forecast.Candidate("site-b", 0.8, 1_000)));
    PlanDecisions first = planner.plan("car-1", "car-1/kv", "site-a", toB, 0);
    assertEquals(1, first.started().size());
    assertTrue(planner.plan("car-2", "car-2/kv", "site-a", bothToB, 0).started().isEmpty(), "the link's one slot is taken");
    planner.completed(first.started().get(0).prestageId(), 1_000_000, 80_000, 100);
    assertEquals(1, planner.plan("car-2", "car-2/kv", "site-a", bothToB, 200).started().size(), "a finished pre-stage frees it");

    Forecast two = new Forecast("car-3", 0, List.of(new Forecast.Candidate("site-b", 0.5, 1_000),
        new Forecast.Candidate("site-c", 0.45, 1_000)));
    PlannerConfig roomy = new PlannerConfig(0.4, 0, 0.15, 2_000, 2, 1.5, 2_000, 0.5, 4, 12_500_000);
    PrestagePlanner both = new PrestagePlanner(roomy, new LinkBandwidths(12_500_000), new ArtifactSizes(1_000_000));
    assertEquals(2, both.plan("car-3", "car-3/kv", "site-a", two, 0).started().size());
    PlanDecisions moved = both.plan("car-3", "car-3/kv", "site-b", new Forecast("car-3", 500, List.of()), 500);
    assertEquals(1, moved.cancelled().size(), "the pre-stage at site-c is cancelled, the used one at site-b is not");
    assertEquals("site-c", moved.cancelled().get(0).targetSite());
    assertEquals(0, both.running());
  }
}
