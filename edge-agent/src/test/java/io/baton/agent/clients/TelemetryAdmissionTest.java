package io.baton.agent.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.clients.TelemetryAdmission.Counts;
import io.baton.agent.clients.TelemetryAdmission.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TelemetryAdmissionTest {

  @Test
  void shedsPastTheBoundAndAdmitsAgainOnceWorkIsDone() {
    TelemetryAdmission admission = new TelemetryAdmission("site-a", 10);
    assertTrue(admission.tryAdmit(Transport.COAP, 6));
    assertTrue(admission.tryAdmit(Transport.MQTT, 4));
    assertFalse(admission.tryAdmit(Transport.COAP, 1), "the bound is full");
    assertFalse(admission.tryAdmit(Transport.MQTT, 3));

    admission.done(Transport.COAP, 6, 6, true);
    assertTrue(admission.tryAdmit(Transport.COAP, 5));
    admission.done(Transport.COAP, 5, 5, false);
    admission.done(Transport.MQTT, 4, 4, true);

    assertEquals(new Counts(6, 5, 1), admission.counts(Transport.COAP));
    assertEquals(new Counts(4, 0, 3), admission.counts(Transport.MQTT));
    assertEquals(0, admission.inFlight());
  }

  @Test
  void aMessageLargerThanTheBoundGetsInWhenNothingElseIsInFlight() {
    TelemetryAdmission admission = new TelemetryAdmission("site-a", 10);
    assertTrue(admission.tryAdmit(Transport.COAP, 50), "a gateway's big batch is not refused forever");
    assertFalse(admission.tryAdmit(Transport.COAP, 1));
    admission.done(Transport.COAP, 50, 50, true);
    assertTrue(admission.tryAdmit(Transport.COAP, 1));
  }

  @Test
  void neverAdmitsMoreThanTheBoundFromManyThreads() throws Exception {
    TelemetryAdmission admission = new TelemetryAdmission("site-a", 64);
    AtomicInteger most = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          if (admission.tryAdmit(Transport.COAP, 1)) {
            most.accumulateAndGet(admission.inFlight(), Math::max);
            admission.done(Transport.COAP, 1, 1, true);
          }
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertTrue(most.get() <= 64, "in flight at most the bound, saw " + most.get());
    Counts counts = admission.counts(Transport.COAP);
    assertEquals(80_000, counts.accepted() + counts.shed());
    assertEquals(0, admission.inFlight());
  }
}
