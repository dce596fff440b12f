package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.deploy.bench.SoakRun;
import io.baton.deploy.mesh.MeshLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The secured mesh under a city's load for two minutes (SoakRun.Options.ci): 1,000 clients
 * reporting to site-a over CoAP and MQTT (Mosquitto, shared by the sites), 20 movers (10 per
 * transport) driving back and forth past three sites, handed over by the broker's trigger with the
 * predictor pre-staging ahead of them, calling their counters all the while. No timing is asserted:
 * only that everything that was started finished, nothing was lost or done twice, no member
 * stalled, and the heap does not keep growing.
 */
class SoakTest {
  /**
   * Between the middle and the last third of the run (40 s apart). Measured: +3 MiB on a sound mesh
   * (the samples swing some 20 MiB with Californium's deduplication crops); +90 MiB when every
   * CoAP exchange was kept for its 247 s lifetime, which is what this caught.
   */
  private static final double MAX_HEAP_GROWTH_MIB = 24;

  @Test
  void theMeshHoldsACitysLoadWithoutLosingAnything() {
    SoakRun.Options options = SoakRun.Options.ci();
    SoakRun soak = new SoakRun(options, System.out);
    SoakRun.Result result = soak.run(new MeshLayout("127.0.14.1", List.of("127.0.14.2", "127.0.14.3", "127.0.14.4"),
        5701, 5683, 7443), 18814);
    soak.print(result);

    // Each mover crosses a site boundary every few seconds: far more handoffs than this, unless the trigger path broke.
    assertTrue(result.completed() >= 4 * options.movers(), "handoffs completed: " + result.completed());
    assertEquals(0, result.aborted(), "handoffs aborted");
    assertEquals(0, result.unfinished(), "handoffs still unfinished a minute after the drive");
    assertTrue(result.calls() > 0, "the movers called");
    assertEquals(0, result.lost(), "movers' calls lost");
    assertEquals(0, result.duplicated(), "movers' calls run twice");
    assertTrue(result.coapReports() > 0 && result.mqttReports() > 0,
        "telemetry arrived over both transports: " + result.coapReports() + " CoAP, " + result.mqttReports() + " MQTT");
    assertEquals(0, result.stalls(), "stalls the watchdog reported");
    double growth = result.heapGrowthMiB();
    assertTrue(growth < MAX_HEAP_GROWTH_MIB, "heap after full GC grew " + growth + " MiB from the middle third of the run "
        + "to the last: " + result.heapMiB());
  }
}
