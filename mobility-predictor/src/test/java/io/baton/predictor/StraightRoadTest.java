package io.baton.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.TelemetryReported;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A straight road past three sites: each handoff is forecast, for the right site, with the right ETA. */
class StraightRoadTest {
  static final List<SitePlacement> SITES = List.of(TestDrive.site("site-a", 0, 30), TestDrive.site("site-b", 400, 30),
      TestDrive.site("site-c", 800, 30));
  static final long TOLERANCE_MS = 1_000;

  @Test
  void everyHandoffIsForecastSecondsAheadWithItsEta() {
    TestDrive.Result drive = new TestDrive(SITES, 1.5, 42, 200)
        .drive("car-1", "site-a", 0, 15, new double[] {-50, 0}, new double[] {850, 0});
    assertEquals(List.of("site-b", "site-c"), drive.handoffTargets(), "the broker's trigger hands the car a -> b -> c");

    MobilityPredictor predictor = new MobilityPredictor(PredictorConfig.defaults(), SITES);
    Map<Long, Forecast> byTime = new HashMap<>();
    for (TelemetryReported report : drive.reports()) {
      predictor.observe(report, report.timestampMs()).ifPresent(f -> byTime.put(report.timestampMs(), f));
    }
    for (int h = 0; h < drive.handoffTargets().size(); h++) {
      long fired = drive.handoffTimes().get(h)[0];
      String target = drive.handoffTargets().get(h);
      for (long ahead : new long[] {6_000, 4_000, 2_000}) {
        Forecast forecast = byTime.get(fired - ahead);
        Forecast.Candidate top = forecast.candidates().get(0);
        assertEquals(target, top.siteId(), ahead + " ms before the handoff to " + target + ": " + forecast);
        assertTrue(Math.abs(top.etaMs() - ahead) <= TOLERANCE_MS,
            ahead + " ms before the handoff to " + target + " the ETA said " + top.etaMs() + " ms");
        assertTrue(top.probability() > 0.5, "confident " + ahead + " ms ahead: " + forecast);
      }
    }
  }

  @Test
  void eachModelAloneStillNamesTheNextSite() {
    TestDrive.Result drive = new TestDrive(SITES, 1.5, 42, 200)
        .drive("car-1", "site-a", 0, 15, new double[] {-50, 0}, new double[] {850, 0});
    long fired = drive.handoffTimes().get(0)[0];
    for (String model : List.of("signal", "motion", "coverage")) {
      MobilityPredictor predictor = new MobilityPredictor(PredictorConfig.defaults(), SITES, ForecastCombiner.Weights.only(model));
      Forecast atTwoSeconds = null;
      for (TelemetryReported report : drive.reports()) {
        Forecast f = predictor.observe(report, report.timestampMs()).orElseThrow();
        if (report.timestampMs() == fired - 2_000) {
          atTwoSeconds = f;
        }
      }
      assertEquals("site-b", atTwoSeconds.candidates().get(0).siteId(), model + " alone: " + atTwoSeconds);
    }
  }
}
