package io.baton.broker.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.protocol.event.TelemetryReported;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class A3TriggerTest {
  /** 3 dB hysteresis, 300 ms time-to-trigger, no smoothing: the arithmetic stays visible. */
  private final A3Trigger trigger = new A3Trigger(new BrokerConfig(3.0, 300, 1.0, 1_000));

  @Test
  void firesOnceTheNeighbourStaysBetterForTheTimeToTrigger() {
    assertEquals(Optional.empty(), trigger.observe(report(0, "site-a", -80, -76)));
    assertEquals(Optional.empty(), trigger.observe(report(100, "site-a", -80, -76)));
    assertEquals(Optional.empty(), trigger.observe(report(299, "site-a", -80, -76)));
    assertEquals(Optional.of("site-b"), trigger.observe(report(300, "site-a", -80, -76)));
    assertEquals(Optional.empty(), trigger.observe(report(400, "site-a", -80, -70)), "fires once per serving site");
  }

  @Test
  void aMarginWithinTheHysteresisNeverFires() {
    for (long t = 0; t < 5_000; t += 100) {
      assertEquals(Optional.empty(), trigger.observe(report(t, "site-a", -80, -77)));
    }
  }

  @Test
  void aDipBelowTheMarginRestartsTheClock() {
    trigger.observe(report(0, "site-a", -80, -75));
    trigger.observe(report(200, "site-a", -80, -79));
    assertEquals(Optional.empty(), trigger.observe(report(350, "site-a", -80, -75)));
    assertEquals(Optional.of("site-b"), trigger.observe(report(650, "site-a", -80, -75)));
  }

  @Test
  void noHandoffWhileOneIsInProgressAndRearmAfterAnAbort() {
    AtomicLong brokerClock = new AtomicLong(1_000_000);
    A3Trigger trigger = new A3Trigger(new BrokerConfig(3.0, 300, 1.0, 1_000), brokerClock::get);
    trigger.observe(report(0, "site-a", -80, -70));
    assertEquals(Optional.empty(), trigger.observe(inProgress(report(400, "site-a", -80, -70))));
    assertEquals(Optional.of("site-b"), trigger.observe(report(500, "site-a", -80, -70)));
    trigger.rearm("car-1", "site-b");
    trigger.observe(report(600, "site-a", -80, -70));
    assertEquals(Optional.empty(), trigger.observe(report(900, "site-a", -80, -70)), "site-b failed: not at once");
    brokerClock.addAndGet(A3Trigger.FIRST_BACKOFF_MS);
    assertEquals(Optional.of("site-b"), trigger.observe(report(1_000, "site-a", -80, -70)), "after the backoff");
    trigger.rearm("car-1", "site-b");
    brokerClock.addAndGet(A3Trigger.FIRST_BACKOFF_MS);
    assertEquals(Optional.empty(), trigger.observe(report(1_500, "site-a", -80, -70)), "a second failure doubles the backoff");
    brokerClock.addAndGet(A3Trigger.FIRST_BACKOFF_MS);
    assertEquals(Optional.of("site-b"), trigger.observe(report(2_000, "site-a", -80, -70)));
  }

  @Test
  void aNewServingSiteStartsAfresh() {
    trigger.observe(report(0, "site-a", -80, -70));
    assertEquals(Optional.of("site-b"), trigger.observe(report(300, "site-a", -80, -70)));
    assertEquals(Optional.empty(), trigger.observe(report(400, "site-b", -80, -70)));
    assertEquals(Optional.empty(), trigger.observe(report(800, "site-b", -80, -70)), "site-a is worse than the new serving site");
  }

  @Test
  void smoothingDelaysAReactionToASingleSpike() {
    A3Trigger smoothed = new A3Trigger(new BrokerConfig(3.0, 0, 0.25, 1_000));
    smoothed.observe(report(0, "site-a", -80, -90));
    assertEquals(Optional.empty(), smoothed.observe(report(100, "site-a", -80, -60)), "one spike of +30 dB moves the filter 7.5 dB");
    assertEquals(Optional.of("site-b"), smoothed.observe(report(200, "site-a", -80, -60)));
  }

  @Test
  void idleClientsAreForgottenByTheBrokersClockNotTheirs() {
    long[] brokerNow = {1_000_000};
    A3Trigger timed = new A3Trigger(new BrokerConfig(3.0, 300, 1.0, 1_000), () -> brokerNow[0]);
    // The client's clock is an hour behind the broker's: that alone must not make it idle.
    timed.observe(report(1_000_000 - 3_600_000, "site-a", -80, -90));
    brokerNow[0] += 60_000;
    timed.expireIdle();
    assertEquals(1, timed.trackedClients());
    brokerNow[0] += 140_000;
    timed.expireIdle();
    assertEquals(0, timed.trackedClients());
    assertTrue(timed.observe(report(0, "site-a", -80, -90)).isEmpty());
  }

  private static TelemetryReported report(long t, String serving, double siteA, double siteB) {
    return new TelemetryReported("car-1", serving, serving, false, t, 0, 0, 10, 90, Map.of("site-a", siteA, "site-b", siteB));
  }

  private static TelemetryReported inProgress(TelemetryReported r) {
    return new TelemetryReported(r.clientId(), r.reportingSite(), r.servingSite(), true, r.timestampMs(), r.x(), r.y(),
        r.speedMps(), r.headingDeg(), r.rssiDbm());
  }
}
