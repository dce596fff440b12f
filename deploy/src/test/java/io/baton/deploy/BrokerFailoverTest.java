package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.baton.broker.journal.JournalEntry;
import io.baton.deploy.bench.FailoverDrill;
import io.baton.deploy.bench.FailoverDrill.KillPoint;
import io.baton.deploy.bench.FailoverDrill.Outcome;
import io.baton.deploy.faults.SiteQuery;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two brokers, each a JVM of its own; the one that owns a handoff is killed (SIGKILL) at a step of
 * the saga. The other must claim the handoff from the journal and finish it (the target had
 * committed) or abort it (it had not), with exactly one live instance at the end, never two at
 * once, and every call of the client answered exactly once.
 */
class BrokerFailoverTest {
  private static FailoverDrill drill;
  private static LiveInstanceMonitor monitor;

  @BeforeAll
  static void start() throws Exception {
    drill = FailoverDrill.start("127.0.40.", 2);
    monitor = new LiveInstanceMonitor(drill.mesh());
  }

  @AfterAll
  static void stop() throws Exception {
    if (drill != null) {
      drill.close();
    }
  }

  @ParameterizedTest
  @EnumSource(KillPoint.class)
  void anotherBrokerTakesOverWhenTheOwnerIsKilled(KillPoint point) throws Exception {
    String clientId = "walker-" + point.name().toLowerCase();
    Outcome outcome = drill.run(clientId, point, 2);

    JournalEntry entry = outcome.entry();
    assertEquals(1, entry.takeovers(), "one broker took the handoff over");
    assertNotEquals(outcome.killedBroker(), entry.ownerName(), "the survivor finished it");
    boolean committed = point == KillPoint.DURING_RESTORE || point == KillPoint.AFTER_RESTORE;
    assertEquals(committed, outcome.completed(), "a committed handoff is finished, any other aborted");
    assertEquals(committed ? JournalEntry.Status.COMPLETED : JournalEntry.Status.ABORTED, entry.status());

    String servingSite = committed ? "site-b" : "site-a";
    assertEquals(servingSite, outcome.record().site());
    assertEquals(committed ? 2 : 1, outcome.record().epoch());
    assertFalse(outcome.record().inHandoff(), "the record is unlocked");
    assertEquals(Set.of(servingSite), monitor.liveSites(clientId + "/counter"), "exactly one live instance");
    assertEquals(List.of(), monitor.doubleLiveMoments(), "never two live instances");
    List<String> sites = List.of("site-a", "site-b");
    assertEquals(SiteQuery.liveOnlyAt(servingSite, sites, List.of()),
        SiteQuery.states(drill.mesh().brokerVertx(), outcome.record().instanceId(), sites), "asked one by one, one site runs it");

    int calls = outcome.calls().size();
    assertEquals(LongStream.rangeClosed(1, calls).boxed().toList(), outcome.sortedValues(), "every call answered exactly once");
    assertEquals(servingSite, outcome.calls().get(calls - 1).site());
    System.out.printf("%s: owner %s killed, %s %s the handoff %.0f ms later%n", point, outcome.killedBroker(),
        entry.ownerName(), committed ? "finished" : "aborted", outcome.failoverMillis());
  }
}
