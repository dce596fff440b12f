package io.baton.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.predictor.plan.ArtifactSizes;
import io.baton.predictor.plan.LinkBandwidths;
import io.baton.predictor.plan.PlanDecisions;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.predictor.plan.PrestagePlanner;
import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.PrestageCancelled;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.TelemetryReported;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A car heads for the next site, gets it pre-staged, then turns back: the pre-stage is cancelled. */
class UTurnTest {
  static final List<SitePlacement> SITES = List.of(TestDrive.site("site-a", 0, 30), TestDrive.site("site-b", 400, 30));
  static final long STATE_BYTES = 10_000_000;

  @Test
  void aUTurnCancelsThePrestage() {
    TestDrive.Result straight = new TestDrive(SITES, 1.0, 7, 200)
        .drive("car-1", "site-a", 0, 15, new double[] {-50, 0}, new double[] {450, 0});
    assertEquals(List.of("site-b"), straight.handoffTargets());
    long wouldFire = straight.handoffTimes().get(0)[0];
    double turnX = -50 + 15 * (wouldFire - 3_000) / 1000.0;

    TestDrive.Result uTurn = new TestDrive(SITES, 1.0, 7, 200)
        .drive("car-1", "site-a", 0, 15, new double[] {-50, 0}, new double[] {turnX, 0}, new double[] {-50, 0});
    assertEquals(List.of(), uTurn.handoffTargets(), "turning 3 s before the handoff, the car never leaves site-a");

    MobilityPredictor predictor = new MobilityPredictor(PredictorConfig.defaults(), SITES);
    PrestagePlanner planner = new PrestagePlanner(PlannerConfig.defaults(), new LinkBandwidths(12_500_000),
        new ArtifactSizes(STATE_BYTES));
    List<PrestageRequested> started = new ArrayList<>();
    List<PrestageCancelled> cancelled = new ArrayList<>();
    long turnedAt = -1;
    for (TelemetryReported report : uTurn.reports()) {
      if (turnedAt < 0 && report.headingDeg() > 180) {
        turnedAt = report.timestampMs();
      }
      PlanDecisions decisions = planner.plan("car-1", "car-1/kv", "site-a",
          predictor.observe(report, report.timestampMs()).orElseThrow(), report.timestampMs());
      started.addAll(decisions.started());
      cancelled.addAll(decisions.cancelled());
      if (!decisions.started().isEmpty()) {
        assertTrue(turnedAt < 0, "pre-staged before the turn, not after: " + decisions.started());
      }
    }
    assertEquals(1, started.size(), "one pre-stage, to site-b: " + started);
    assertEquals("site-b", started.get(0).targetSite());
    assertEquals(1, cancelled.size(), "and it was cancelled: " + cancelled);
    assertEquals(started.get(0).prestageId(), cancelled.get(0).prestageId());
    assertTrue(cancelled.get(0).reason().startsWith("unlikely"), cancelled.get(0).reason());
    assertEquals(0, planner.running(), "nothing left running");
  }
}
