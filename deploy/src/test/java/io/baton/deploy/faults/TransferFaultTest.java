package io.baton.deploy.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.InstanceTransition;
import io.baton.agent.transfer.LinkFaults;
import io.baton.broker.BrokerConfig;
import io.baton.broker.saga.HandoffAbortedException;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the link between two sites while a handoff's state crosses it, under client load: the
 * stream is cut, the link stays down, a chunk is damaged, every chunk is damaged. The rules
 * asserted: what the target lacks after a cut or a damaged chunk is offered and sent again, and
 * the handoff completes with the memory intact; a link that stays down (or damages everything)
 * past the source's six attempts aborts the handoff and the source serves again, and the target
 * never staged anything. Each time exactly one site runs the service, every call is answered
 * exactly once, and the memory's checksum is what the calls wrote.
 */
class TransferFaultTest {
  private static final List<String> SITES = List.of("site-a", "site-b", "site-c");
  private static final long STATE_BYTES = 2L * 1024 * 1024;
  private static LocalMesh mesh;
  private static List<InstanceTransition> transitions;

  @BeforeAll
  static void start() throws Exception {
    MeshLayout layout = new MeshLayout("127.0.91.1", List.of("127.0.91.2", "127.0.91.3", "127.0.91.4"), 5701, 5683, 7443);
    mesh = LocalMesh.start(layout, new BrokerConfig(3.0, 320, 0.5, 1_500));
    transitions = Collections.synchronizedList(new ArrayList<>());
    mesh.sites().forEach(site -> site.agent().runtime().onTransition(transitions::add));
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void aStreamCutMidTransferIsResumedAndTheHandoffCompletes() throws Exception {
    HandoffCompleted done = completes("cut-once", "site-b", faults -> faults.cutNextStreamAfter("site-b", STATE_BYTES / 2));
    assertTrue(done.metrics().dumpBytes() < STATE_BYTES + STATE_BYTES / 4,
        "after the cut only the rest (and what was in flight) crossed: " + done.metrics());
  }

  @Test
  void aLinkThatStaysDownAbortsAndTheSourceServesAgain() throws Exception {
    HandoffAborted abort = aborts("link-down", "site-c", faults -> faults.cutNextStreams("site-c", 64 * 1024, 100));
    assertTrue(abort.reason().contains("after 6 attempts"), abort.reason());
  }

  @Test
  void aCorruptedChunkIsDetectedAndSentAgain() throws Exception {
    HandoffCompleted done = completes("corrupt-few", "site-c", faults -> faults.corruptNextChunks("site-c", 3));
    assertTrue(done.metrics().dumpBytes() >= STATE_BYTES, "the damaged chunks crossed twice: " + done.metrics());
  }

  @Test
  void aTargetThatOnlyGetsDamagedChunksNeverRestores() throws Exception {
    HandoffAborted abort = aborts("corrupt-all", "site-b", faults -> faults.corruptNextChunks("site-b", Integer.MAX_VALUE));
    assertTrue(abort.reason().contains("still lacks"), abort.reason());
    // Nothing was staged there at any moment, let alone restored from damaged pages.
    assertTrue(transitions.stream().noneMatch(t -> t.instanceId().equals("corrupt-all/synthetic") && t.site().equals("site-b")),
        "the target never staged the instance");
  }

  private static HandoffCompleted completes(String clientId, String target, Consumer<LinkFaults> fault) throws Exception {
    Drill drill = underLoad(clientId, target, fault);
    assertNull(drill.failure(), "the handoff completed");
    List<String> sites = drill.calls().sites();
    assertEquals(target, sites.get(sites.size() - 1), "the client follows to the target");
    assertServing(clientId, target, 2);
    return drill.completed();
  }

  private static HandoffAborted aborts(String clientId, String target, Consumer<LinkFaults> fault) throws Exception {
    Drill drill = underLoad(clientId, target, fault);
    HandoffAborted abort = assertInstanceOf(HandoffAbortedException.class, drill.failure()).event();
    assertEquals("transfer", abort.failedStep(), abort.toString());
    assertTrue(abort.compensation().contains("site-a serves again under epoch 1"), abort.compensation());
    assertTrue(drill.calls().sites().stream().allMatch("site-a"::equals), "only the source ever answered");
    assertServing(clientId, "site-a", 1);
    return abort;
  }

  /** One handoff under a fault: how it ended, and what the client's calls got. */
  private record Drill(HandoffCompleted completed, Throwable failure, SteadyLoad.Outcome calls) {
  }

  /**
   * Attaches at site-a, calls steadily, arms the fault on site-a's link and hands off cold (the
   * whole state crosses after the freeze); then checks the calls and the memory.
   */
  private static Drill underLoad(String clientId, String target, Consumer<LinkFaults> fault) throws Exception {
    LinkFaults faults = mesh.site("site-a").orElseThrow().agent().linkFaults();
    try (SteadyLoad load = SteadyLoad.start(SteadyLoad.client(mesh, clientId, endpoint("site-a")).build())) {
      load.awaitSent(20);
      fault.accept(faults);
      HandoffCompleted[] completed = new HandoffCompleted[1];
      Throwable failure = mesh.broker().handOff(clientId, target, "cold", "fault drill").toCompletionStage()
          .toCompletableFuture().handle((done, error) -> {
            completed[0] = done;
            return error;
          }).get(60, TimeUnit.SECONDS);
      load.awaitSent(load.sent() + 30);
      SteadyLoad.Outcome calls = load.stop();
      calls.assertEveryCallAnsweredOnce();
      calls.assertStateIntact(load.client());
      return new Drill(completed[0], failure, calls);
    } finally {
      // Whatever the drill did not spend is disarmed.
      faults.corruptNextChunks(target, 0);
      faults.cutNextStreams(target, Long.MAX_VALUE, 0);
    }
  }

  private static void assertServing(String clientId, String site, long epoch) throws Exception {
    ClientRecord record = new ClientDirectory(mesh.brokerVertx()).find(clientId).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS).orElseThrow();
    assertEquals(site, record.site());
    assertEquals(epoch, record.epoch());
    assertFalse(record.inHandoff(), "the record is unlocked");
    assertEquals(SiteQuery.liveOnlyAt(site, SITES, List.of()), SiteQuery.states(mesh.brokerVertx(), record.instanceId(), SITES),
        "exactly one site runs the service");
    assertTrue(transitions.stream().noneMatch(t -> t.to() == InstanceState.LIVE && t.instanceId().equals(record.instanceId())
        && !t.site().equals("site-a") && !t.site().equals(site)), "no third site ever ran it");
  }

  private static String endpoint(String site) {
    return mesh.site(site).orElseThrow().config().coapEndpoint();
  }
}
