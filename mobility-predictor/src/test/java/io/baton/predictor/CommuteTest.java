package io.baton.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.TelemetryReported;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A junction where the crowd goes one way and one commuter the other: the transition model learns
 * the commute from the commuter's own handoffs and keeps the crowd's habit for everyone else.
 */
class CommuteTest {
  static final List<SitePlacement> SITES = List.of(TestDrive.site("home", 0, 0), TestDrive.site("junction", 400, 0),
      TestDrive.site("mall", 800, 0), TestDrive.site("office", 400, 400));
  static final ForecastCombiner.Weights TRANSITIONS_ONLY = ForecastCombiner.Weights.only("transitions");

  private long clock;

  /** Reports one client's serving sites in order, one report each (the position does not matter here). */
  private Forecast visit(MobilityPredictor predictor, String client, String... servingSites) {
    Forecast last = null;
    for (String site : servingSites) {
      clock += 1_000;
      last = predictor.observe(new TelemetryReported(client, site, site, false, clock, 0, 0, 0, 0, Map.of(site, -60.0)), clock)
          .orElseThrow();
    }
    return last;
  }

  @Test
  void aRepeatedCommuteIsLearnedAndTheCrowdStillCountsForOthers() {
    MobilityPredictor predictor = new MobilityPredictor(PredictorConfig.defaults(), SITES, TRANSITIONS_ONLY);
    for (int driver = 0; driver < 10; driver++) {
      visit(predictor, "shopper-" + driver, "home", "junction", "mall");
    }
    Forecast firstDay = visit(predictor, "commuter", "home", "junction");
    assertEquals("mall", firstDay.candidates().get(0).siteId(), "before any commute the crowd's habit: " + firstDay);
    visit(predictor, "commuter", "office");

    for (int day = 2; day <= 3; day++) {
      visit(predictor, "commuter", "home");
      Forecast atJunction = visit(predictor, "commuter", "junction");
      if (day == 3) {
        assertEquals("office", atJunction.candidates().get(0).siteId(), "day " + day + ": " + atJunction);
        assertTrue(atJunction.candidates().get(0).probability() > 0.5, "the commuter's own route dominates: " + atJunction);
      }
      visit(predictor, "commuter", "office");
    }
    Forecast stranger = visit(predictor, "stranger", "home", "junction");
    assertEquals("mall", stranger.candidates().get(0).siteId(), "a new client gets the crowd's habit: " + stranger);
  }

  @Test
  void orderTwoSeparatesTheWayInFromTheWayBack() {
    MobilityPredictor predictor = new MobilityPredictor(PredictorConfig.defaults(), SITES, TRANSITIONS_ONLY);
    for (int day = 0; day < 3; day++) {
      visit(predictor, "commuter", "home", "junction", "office", "junction", "home");
    }
    assertEquals("office", visit(predictor, "commuter", "home", "junction").candidates().get(0).siteId());
    assertEquals("home", visit(predictor, "commuter", "office", "junction").candidates().get(0).siteId());
  }
}
