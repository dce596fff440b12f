package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.protocol.wire.Assignment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracker on its own: the order of events a client sees during one handoff, and late news after it. */
class HandoffTrackerTest {
  private static final Assignment AT_A = new Assignment("car-1", "counter", "site-a", "coap://127.0.0.2:5683", "", 1);
  private static final Assignment AT_B = new Assignment("car-1", "counter", "site-b", "coap://127.0.0.3:5683", "", 2);

  private final List<HandoffListener.End> ends = new ArrayList<>();
  private final HandoffTracker tracker = new HandoffTracker("car-1", List.of(new HandoffListener() {
    @Override
    public void onHandoffEnd(End end) {
      ends.add(end);
    }
  }));

  @Test
  void aCallHeldAtTheOldSiteAfterTheHandoffEndedDoesNotReopenIt() {
    long sent = System.nanoTime();
    tracker.held(AT_A, sent, true);
    tracker.answered("site-b", 2, sent);
    // A call sent to site-a just before the redirect comes back frozen after the handoff ended...
    tracker.held(AT_A, System.nanoTime(), true);
    // ...and is answered by site-b when sent again.
    tracker.answered("site-b", 2, System.nanoTime());
    assertEquals(1, ends.size(), "one handoff, one end: " + ends);
    assertEquals("site-a", ends.get(0).fromSite());
    assertEquals("site-b", ends.get(0).toSite());
  }

  @Test
  void theNextHandoffIsStillSeen() {
    long sent = System.nanoTime();
    tracker.held(AT_A, sent, true);
    tracker.answered("site-b", 2, sent);
    long later = System.nanoTime();
    tracker.held(AT_B, later, true);
    tracker.answered("site-c", 3, later);
    assertEquals(List.of("site-a->site-b", "site-b->site-c"), ends.stream().map(e -> e.fromSite() + "->" + e.toSite()).toList());
  }

  @Test
  void withNothingHeldTheInterruptionCountsFromTheFirstCallAfterTheRedirect() throws Exception {
    tracker.redirected(AT_A);
    Thread.sleep(200);
    long sent = System.nanoTime();
    tracker.answered("site-b", 2, sent);
    assertEquals(1, ends.size());
    // The app made no call for 200 ms after the redirect: it waited only for the one it made.
    assertTrue(ends.get(0).interruption().toMillis() < 100, ends.get(0).toString());
  }

  @Test
  void aHeldCallCountsFromItsFirstSend() throws Exception {
    long sent = System.nanoTime();
    tracker.held(AT_A, sent, true);
    Thread.sleep(200);
    tracker.answered("site-b", 2, System.nanoTime());
    assertTrue(ends.get(0).interruption().toMillis() >= 200, ends.get(0).toString());
  }
}
