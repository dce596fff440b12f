package io.baton.agent.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.InstanceState;
import io.baton.agent.transfer.LinkFaults;
import io.baton.protocol.security.MemberCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link ContainerHandoffTest} on two runc sites, and what only runc can: a post-copy handoff, the
 * container serving at the target while its memory is faulted in from the source's frozen copy.
 * Also the transfer plane's faults after the freeze (damaged chunks, a cut stream, a link that
 * stays down), which are the same on every container engine.
 */
class RuncHandoffTest extends ContainerHandoffTest {
  @Override
  ContainerEngine open(String site, MemberCredentials member) {
    // Secured sites: their CRIU page traffic (post-copy) runs over TLS.
    return TestEngines.runc(site, Optional.of(member));
  }

  @Override
  String address(int n) {
    return "127.0.22." + n;
  }

  @Override
  int port(int n) {
    return 7720 + n;
  }

  @Test
  void aPostCopyHandoffRestoresFirstAndBringsTheMemoryAfter() throws Exception {
    String id = deploy(TestEngines.memwork(32, 256));
    Matcher before = answer(siteA, id);
    long relayedBefore = siteA.relay().bytesSent();

    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "post-copy"));

    assertTrue(report.restored(), report.toString());
    assertTrue(report.checkpointBytes() < 2_000_000, "the memory stayed behind the freeze: " + report);
    assertTrue(report.finalBytes() < 2_000_000, "and did not cross before the restore: " + report);
    assertTrue(siteA.relay().bytesSent() - relayedBefore > 32L << 20, "the pages crossed on the plane's relay, after it");
    assertFalse(siteA.runtime().state(id).isPresent(), "the source let go once the target held every page");
    assertTrue(TestEngines.batonContainers(engineA).isEmpty());
    Matcher after = answer(siteB, id);
    assertContinued(before, after);
    assertTrue(Long.parseLong(after.group(2)) > Long.parseLong(before.group(2)), "it kept dirtying memory");
  }

  @Test
  void aHybridHandoffStagesTheMemoryAheadAndFaultsInOnlyThePagesWrittenSince() throws Exception {
    String id = deploy(TestEngines.memwork(32, 256));
    Matcher before = answer(siteA, id);
    long relayedBefore = siteA.relay().bytesSent();

    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "hybrid"));

    assertTrue(report.restored(), report.toString());
    assertTrue(report.precopied().bytesSent() > 32L << 20, "the memory was staged ahead: " + report);
    assertTrue(report.finalBytes() < 2_000_000, "no memory crossed between the freeze and the restore: " + report);
    long relayed = siteA.relay().bytesSent() - relayedBefore;
    assertTrue(relayed > 0 && relayed < 8L << 20,
        "after the restore only the pages written since the pre-stage crossed, not the 32 MB: " + relayed);
    assertFalse(siteA.runtime().state(id).isPresent(), "the source let go once the target held every page");
    Matcher after = answer(siteB, id);
    assertContinued(before, after);
    assertTrue(Long.parseLong(after.group(2)) > Long.parseLong(before.group(2)), "it kept dirtying memory");
  }

  @Test
  void aHybridHandoffWhoseTargetLostThePrestagedCopyAbortsAndTheSourceServesAgain() throws Exception {
    String id = deploy(TestEngines.memwork(16, 64));
    Matcher before = answer(siteA, id);

    // Between the pre-stage and the freeze the target loses what was staged (a cleanup, a disk swapped).
    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "hybrid", () -> deletePrestaged(engineB)));

    assertFalse(report.restored(), report.toString());
    assertTrue(report.precopied().bytesSent() > 16L << 20, "it was pre-staged: " + report);
    assertTrue(report.failure().contains("no parent checkpoint"), report.failure());
    assertEquals(Optional.of(InstanceState.LIVE), siteA.runtime().state(id), "the source thawed and serves");
    assertFalse(siteB.runtime().state(id).isPresent());
    assertTrue(TestEngines.batonContainers(engineB).isEmpty(), "the target's container was removed");
    assertContinued(before, answer(siteA, id));
  }

  @Test
  void aPostCopyHandoffThatTheTargetCannotRestoreLeavesTheSourceServing() throws Exception {
    String id = deploy(TestEngines.memwork(32, 64));
    Matcher before = answer(siteA, id);

    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, smallB, id, "post-copy"));

    // It restores at once (no memory yet), then dies for want of memory as its pages come in:
    // seen by the restore's own check or, later, by AWAIT_PAGES.
    assertFalse(report.restored(), report.toString());
    assertTrue(report.failure().contains("died while its pages came in") || report.failure().contains("is not running"),
        report.failure());
    assertEquals(Optional.of(InstanceState.LIVE), siteA.runtime().state(id), "the source thawed and serves");
    assertFalse(smallB.runtime().state(id).isPresent(), "nothing serves at the target");
    assertTrue(TestEngines.batonContainers(engineB).isEmpty(), "the target's container was removed");
    assertContinued(before, answer(siteA, id));
  }

  @Test
  void damagedChunksAndACutStreamAfterTheFreezeCostOnlyWhatWasLost() throws Exception {
    String id = deployWithImageAtB(TestEngines.memwork(16, 0));
    Matcher before = answer(siteA, id);
    // The image is at site-b already: the first chunk stream is the frozen state's.
    LinkFaults faults = siteA.emulator().faults();
    faults.corruptNextChunks("site-b", 3);
    faults.cutNextStreamAfter("site-b", 12L << 20);

    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "cold"));

    assertTrue(report.restored(), report.toString());
    assertFalse(faults.corruptionPending("site-b") || faults.cutPending("site-b"), "the chunks were damaged and the stream cut");
    assertTrue(report.finalBytes() < report.checkpointBytes() * 3 / 2,
        "after the cut only what the target still lacked crossed again: " + report);
    Matcher after = answer(siteB, id);
    assertEquals(before.group(4), after.group(4), "the same state, checksum for checksum");
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)));
  }

  @Test
  void aLinkThatStaysDownAfterTheFreezeAbortsAndTheSourceServesAgain() throws Exception {
    String id = deployWithImageAtB(TestEngines.memwork(16, 0));
    Matcher before = answer(siteA, id);
    siteA.emulator().faults().cutNextStreams("site-b", 64 * 1024, 100);
    try {
      SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "cold"));

      assertFalse(report.restored(), report.toString());
      assertTrue(report.frozen() != null && report.transferred() == null, "it failed in the transfer, after the freeze: " + report);
      assertEquals(Optional.of(InstanceState.LIVE), siteA.runtime().state(id), "the source serves again");
      assertFalse(siteB.runtime().state(id).isPresent(), "nothing serves at the target");
      assertTrue(TestEngines.batonContainers(engineB).isEmpty(), "the target's container was removed");
      Matcher after = answer(siteA, id);
      assertEquals(before.group(4), after.group(4), "with its state");
      assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)));
    } finally {
      siteA.emulator().faults().cutNextStreams("site-b", 0, 0);
    }
  }

  private String deployWithImageAtB(ContainerProfile profile) throws Exception {
    try (InputStream image = engineA.save(profile.image())) {
      engineB.load(image);
    }
    return deploy(profile);
  }

  /** Deletes every pre-staged checkpoint of the engine's containers, as a lost disk would. */
  private static void deletePrestaged(ContainerEngine engine) {
    for (String container : TestEngines.batonContainers(engine)) {
      Path checkpoints = engine.checkpointDir(container, "any").getParent();
      try (Stream<Path> tree = Files.walk(checkpoints)) {
        for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
          if (checkpoints.relativize(path).toString().startsWith(ContainerHandoff.PRESTAGE_CHECKPOINT)) {
            Files.delete(path);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
