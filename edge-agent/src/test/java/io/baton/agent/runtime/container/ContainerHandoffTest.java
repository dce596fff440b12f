package io.baton.agent.runtime.container;

import io.baton.agent.transfer.TransferManifests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.protocol.event.MigrationAssessed;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.transfer.Hashes;
import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.grpc.Checkpoint;
import io.baton.protocol.grpc.FileRef;
import io.baton.protocol.grpc.FileTree;
import io.baton.protocol.grpc.ImageArchive;
import io.baton.protocol.grpc.TreeEntry;
import io.baton.protocol.security.MemberCredentials;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Function;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Container handoffs between two real sites of one backend (a subclass per backend: two Docker
 * Engines started by deploy/scripts/docker-engine.sh, or two runc state roots) with CRIU 4: state,
 * writable-layer files and the failure path, through the saga's steps. Site b holds only the
 * busybox base image, so the workload's own layer must cross and the base must not. Every site has
 * member credentials from one dev CA: what crosses is signed and checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ContainerHandoffTest {
  private static final Pattern ANSWER = Pattern.compile("counter=(\\d+) steps=(\\d+) sum=(\\w+) full=(\\w+)");

  private Vertx vertx;
  ContainerEngine engineA;
  ContainerEngine engineB;
  ContainerSite siteA;
  ContainerSite siteB;
  /** Site b again, as a site too small for the workload: its restores fail for want of memory. */
  ContainerSite smallB;
  private DevCertificateAuthority ca;
  private int instances;
  private int requests;

  /** The engine of site "a" or "b" of the backend under test, for a site with {@code member}'s credentials. */
  abstract ContainerEngine open(String site, MemberCredentials member);

  /**
   * The loopback address of test site {@code n} and its transfer port: distinct per backend, so
   * two backends' tests never share a port or an address.
   */
  abstract String address(int n);

  abstract int port(int n);

  @BeforeAll
  void startSites() throws Exception {
    vertx = Vertx.vertx();
    ca = DevCertificateAuthority.open(Files.createTempDirectory("baton-docker-ca"));
    MemberCredentials a = ca.issueMember("site-a", List.of(address(1)));
    MemberCredentials b = ca.issueMember("site-b", List.of(address(2), address(3)));
    engineA = open("a", a);
    engineB = open("b", b);
    siteA = await(new ContainerSite(vertx, "site-a", address(1), port(1), engineA, 0, Optional.of(a)).start());
    siteB = await(new ContainerSite(vertx, "site-b", address(2), port(2), engineB, 0, Optional.of(b)).start());
    smallB = await(new ContainerSite(vertx, "site-b", address(3), port(3), engineB, 8, Optional.of(b)).start());
  }

  @BeforeEach
  void cleanEngines() {
    TestEngines.removeBatonContainers(engineA);
    TestEngines.removeBatonContainers(engineB);
    TestEngines.keepOnlyBaseImage(engineB);
    // Nor may a test find chunks an earlier one left at site b: what crosses is what it lacks.
    siteB.store().clear();
    smallB.store().clear();
  }

  @AfterAll
  void stop() throws Exception {
    TestEngines.removeBatonContainers(engineA);
    TestEngines.removeBatonContainers(engineB);
    await(siteA.stop());
    await(siteB.stop());
    await(smallB.stop());
    await(vertx.close());
  }

  @Test
  void anAssessmentMeasuresTheMemoryAndTheRateItsPagesAreTouched() throws Exception {
    String busy = deploy(TestEngines.memwork(32, 256));
    String idle = deploy(TestEngines.counter());

    MigrationAssessed busyAssessed = await(siteA.sagaHandoff().assess(SagaSteps.request(siteA, siteB, busy, "adaptive")));
    MigrationAssessed idleAssessed = await(siteA.sagaHandoff().assess(SagaSteps.request(siteA, siteB, idle, "adaptive")));

    assertEquals(MigrationAssessed.CONTAINER, busyAssessed.stateKind());
    assertTrue(busyAssessed.stateBytes() >= 32L << 20, "memwork holds its 32 MB: " + busyAssessed);
    assertTrue(idleAssessed.stateBytes() < 8L << 20, "the counter holds little: " + idleAssessed);
    // 256 KB/s of writes over random pages: 64 pages a second, read with the pages' referenced bits.
    double busyPages = busyAssessed.dirtyBytesPerSecond() / 4096;
    assertTrue(busyPages > 30 && busyPages < 1000, "memwork's pages touched per second: " + busyPages);
    assertTrue(idleAssessed.dirtyBytesPerSecond() / 4096 < busyPages / 2, "the counter touches fewer: " + idleAssessed);
    assertEquals(siteA.runtime().engine() instanceof PostCopyEngine, busyAssessed.techniques().contains("post-copy"),
        busyAssessed.techniques().toString());
  }

  @Test
  void counterContinuesAtTheTargetWithItsFile() throws Exception {
    String id = deploy(TestEngines.counter());
    engineA.exec(container(siteA, id), List.of("sh", "-c", "echo kept > /data/note"));
    Thread.sleep(1000);
    AtomicReference<String> logAtFreeze = new AtomicReference<>();
    String sourceContainer = container(siteA, id);
    siteA.runtime().onTransition(t -> {
      if (t.instanceId().equals(id) && t.to() == InstanceState.FROZEN) {
        logAtFreeze.set(engineA.logs(sourceContainer));
      }
    });

    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "cold"));

    assertTrue(report.restored(), report.toString());
    assertFalse(siteA.runtime().state(id).isPresent(), "the source let go of the instance");
    Thread.sleep(600);
    String[] before = logAtFreeze.get().strip().split("\n");
    String[] after = engineB.logs(container(siteB, id)).strip().split("\n");
    assertEquals(Long.parseLong(before[before.length - 1]) + 1, Long.parseLong(after[0]),
        "the counter's first number at the target follows its last at the source");
    assertEquals("kept", engineB.exec(container(siteB, id), List.of("cat", "/data/note")).strip());
  }

  @Test
  void memoryWorkloadKeepsItsStateAndOnlyTheChangeCrossesAfterTheFreeze() throws Exception {
    String id = deploy(TestEngines.memwork(32, 256));
    engineA.exec(container(siteA, id), List.of("sh", "-c", "echo kept > /data/note"));
    Matcher first = answer(siteA, id);
    ContainerLink link = await(siteA.linkTo("site-b", siteB.host(), siteB.port()));
    long busyboxLayer = TestEngines.layerSize(engineA, "baton/busybox:1");

    HandoffReport ahead = await(siteA.handoff().prestage(id, link));
    long layerBytes = phaseBytes(ahead, "layers");
    assertTrue(layerBytes > 500_000 && layerBytes < busyboxLayer,
        "only the workload's layer crossed (" + layerBytes + " bytes; the busybox base alone is " + busyboxLayer + ")\n"
            + ahead.describe());
    Thread.sleep(1000);
    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "pre-copy"));

    assertTrue(report.restored(), report.toString());
    assertEquals("prestaged-earlier", report.precopied().stopReason(), "nothing more to send ahead");
    assertTrue(report.checkpointBytes() > 32_000_000, report.toString());
    assertTrue(report.finalBytes() < report.checkpointBytes() / 10,
        "after the freeze only a small fraction of the checkpoint crossed\n" + report);
    Matcher after = answer(siteB, id);
    assertEquals(Long.parseLong(first.group(1)) + 1, Long.parseLong(after.group(1)), "the request counter continues");
    assertTrue(Long.parseLong(after.group(2)) > Long.parseLong(first.group(2)), "it kept dirtying memory");
    assertEquals(after.group(3), after.group(4), "every page came back as it was: running and full checksums agree");
    assertEquals("kept", engineB.exec(container(siteB, id), List.of("cat", "/data/note")).strip());
  }

  @Test
  void coldHandoffCarriesTheExactState() throws Exception {
    String id = deploy(TestEngines.memwork(16, 0));
    Matcher before = answer(siteA, id);

    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "cold"));

    assertTrue(report.restored(), report.toString());
    assertEquals("cold-ahead", report.precopied().stopReason(), "only layers and container ahead");
    assertTrue(report.finalBytes() > report.checkpointBytes() * 9 / 10, "cold sends all of it after the freeze: " + report);
    Matcher after = answer(siteB, id);
    assertEquals(before.group(4), after.group(4), "the same state, checksum for checksum");
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)));
  }

  @Test
  void aCallSentAgainIsAnsweredNotExecutedAgainHereOrAtTheTarget() throws Exception {
    String id = deploy(TestEngines.memwork(8, 64));
    ServiceCall call = new ServiceCall("sent-twice", new JsonObject());
    String first = await(siteA.runtime().call(id, call)).getString("answer");
    assertEquals(first, await(siteA.runtime().call(id, call)).getString("answer"), "answered from the replies");

    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "cold"));

    assertTrue(report.restored(), report.toString());
    assertEquals(first, await(siteB.runtime().call(id, call)).getString("answer"), "the replies moved with the container");
    Matcher next = answer(siteB, id);
    Matcher firstCounter = ANSWER.matcher(first);
    assertTrue(firstCounter.find(), first);
    assertEquals(Long.parseLong(firstCounter.group(1)) + 1, Long.parseLong(next.group(1)), "the call ran once");
  }

  @Test
  void aFailedRestoreLeavesTheServiceServingAtTheSource() throws Exception {
    String id = deploy(TestEngines.memwork(32, 64));
    Matcher before = answer(siteA, id);

    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, smallB, id, "cold"));

    assertFalse(report.restored(), report.toString());
    assertEquals(Optional.of(InstanceState.LIVE), siteA.runtime().state(id));
    assertFalse(smallB.runtime().state(id).isPresent(), "nothing serves at the target");
    assertTrue(TestEngines.batonContainers(engineB).isEmpty(), "the target's container was removed");
    Matcher after = answer(siteA, id);
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)), "the source kept its state");
    assertEquals(after.group(3), after.group(4));
  }

  @Test
  void aTransferSignedByAnotherMemberIsRefusedAndTheSourceKeepsServing() throws Exception {
    // A cluster member (valid certificate, so mutual TLS lets it in) that claims to be site-a.
    ContainerSite impostor = await(new ContainerSite(vertx, "site-a", address(4), port(4), engineA, 0,
        Optional.of(ca.issueMember("site-c", List.of(address(4))))).start());
    try {
      // The image is at site b already, so the first signed request comes after the freeze.
      try (InputStream image = engineA.save("baton/memwork:1")) {
        engineB.load(image);
      }
      String id = "svc-" + (++instances);
      await(impostor.runtime().deploy(new InstanceSpec(id, "client-" + instances, ContainerProfile.KIND, 1,
          TestEngines.memwork(16, 64).toOptions())));
      Matcher before = answer(impostor, id);

      SagaSteps.Outcome report = await(SagaSteps.handOff(impostor, siteB, id, "cold"));

      assertFalse(report.restored(), report.toString());
      assertTrue(report.failure().contains("PERMISSION_DENIED"), report.toString());
      assertEquals(Optional.of(InstanceState.LIVE), impostor.runtime().state(id));
      assertFalse(siteB.runtime().state(id).isPresent(), "nothing serves at the target");
      assertTrue(TestEngines.batonContainers(engineB).isEmpty(), "the target's container was removed");
      Matcher after = answer(impostor, id);
      assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)), "the source kept its state");
    } finally {
      await(impostor.stop());
    }
  }

  @Test
  void unsignedTamperedOrMisaddressedRequestsAreRefusedBeforeAnythingIsApplied() throws Exception {
    MemberCredentials a = ca.issueMember("site-a", List.of(address(1)));
    FileRef file = FileRef.newBuilder().setPath("pages-1.img").setSize(4).setChunkSize(4)
        .addChunks(Hashes.address(new byte[] {1, 2, 3, 4})).setChunkCount(1).build();
    Checkpoint checkpoint = Checkpoint.newBuilder().setInstanceId("svc-x").setName("final").addFiles(file)
        .setRestore(true).build();
    FileTree tree = FileTree.newBuilder().setInstanceId("svc-x")
        .addEntries(TreeEntry.newBuilder().setPath("data/file").setContent(file)).build();
    ImageArchive archive = ImageArchive.newBuilder().setImage("baton/memwork:1").addFiles(file).build();
    ContainerTransferEndpoint target = siteB.endpoint();

    assertRefused("not signed", checkpoint, target::restore);
    assertRefused("not signed", tree, target::syncLayer);
    assertRefused("not signed", archive, target::loadImage);

    Checkpoint signed = TransferManifests.sign(checkpoint, a, "site-a", "site-b");
    ByteString otherChunk = Hashes.address(new byte[] {9});
    assertRefused("does not match", signed.toBuilder().setFiles(0, file.toBuilder().setChunks(0, otherChunk)).build(),
        target::restore);
    assertRefused("does not match", signed.toBuilder().setName("other").build(), target::restore);
    assertRefused("does not match", signed.toBuilder().setReplies("{\"r-1\":{}}").build(), target::restore);
    assertRefused("does not match", TransferManifests.sign(checkpoint, a, "site-a", "site-c"), target::restore);
    assertRefused("not by the source site 'site-b'", TransferManifests.sign(checkpoint, a, "site-b", "site-b"),
        target::restore);
    // The handoff's final restore carries the writable layer: the signature covers it too.
    Checkpoint withLayer = TransferManifests.sign(checkpoint.toBuilder().setLayer(tree).build(), a, "site-a", "site-b");
    assertRefused("does not match", withLayer.toBuilder().setLayer(tree.toBuilder().addEntries(TreeEntry.newBuilder()
        .setPath("etc/passwd"))).build(), target::restore);
    FileTree signedTree = TransferManifests.sign(tree, a, "site-a", "site-b");
    assertRefused("does not match", signedTree.toBuilder().addEntries(TreeEntry.newBuilder().setPath("etc/passwd")).build(),
        target::syncLayer);
    ImageArchive signedArchive = TransferManifests.sign(archive, a, "site-a", "site-b");
    assertRefused("does not match", signedArchive.toBuilder().setImage("baton/counter:1").build(), target::loadImage);

    // Hybrid: that pages come from the pre-staged parent is signed too, and a parent needs a base to name it.
    assertRefused("does not match", signed.toBuilder().setParentPages(true).build(), target::restore);
    Throwable noBase = assertThrows(Exception.class, () -> await(target.restore(TransferManifests.sign(
        checkpoint.toBuilder().setParentPages(true).setLazyPagesFrom("127.0.0.1:1").build(), a, "site-a", "site-b"))));
    assertTrue(noBase.getMessage().contains("names no base checkpoint"), noBase.getMessage());

    // Correctly signed, the request passes the check and fails only for what is missing here.
    Throwable unprepared = assertThrows(Exception.class, () -> await(target.restore(signed)));
    assertTrue(unprepared.getMessage().contains("no container prepared"), unprepared.getMessage());
    assertFalse(siteB.runtime().state("svc-x").isPresent());
    assertTrue(TestEngines.batonContainers(engineB).isEmpty());
    assertFalse(engineB.hasImage("baton/memwork:1"), "nothing was loaded");
  }

  private static <Q extends Message> void assertRefused(String reason, Q request, Function<Q, Future<?>> rpc) {
    Throwable refused = assertThrows(Exception.class, () -> await(rpc.apply(request))).getCause();
    StatusException status = assertInstanceOf(StatusException.class, refused);
    assertEquals(GrpcStatus.PERMISSION_DENIED, status.status());
    assertTrue(status.message().contains("site-b refuses the transfer"), status.message());
    assertTrue(status.message().contains(reason), status.message());
  }

  /** The service answered {@code after} where it runs now: its request counter one on, its pages as its checksum says. */
  static void assertContinued(Matcher before, Matcher after) {
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)), "the request counter continues");
    assertEquals(after.group(3), after.group(4), "every page is as it was");
  }

  String deploy(ContainerProfile profile) throws Exception {
    String id = "svc-" + (++instances);
    await(siteA.runtime().deploy(new InstanceSpec(id, "client-" + instances, ContainerProfile.KIND, 1, profile.toOptions())));
    return id;
  }

  Matcher answer(ContainerSite site, String id) throws Exception {
    // Each call its own request id: the runtime answers a repeated id from its replies, once executed.
    JsonObject reply = await(site.runtime().call(id, new ServiceCall("r-" + (++requests), new JsonObject())));
    Matcher matcher = ANSWER.matcher(reply.getString("answer"));
    assertTrue(matcher.find(), reply.encode());
    return matcher;
  }

  static String container(ContainerSite site, String id) {
    return site.runtime().instance(id).orElseThrow().containerId();
  }

  private static long phaseBytes(HandoffReport report, String phase) {
    return report.phases().stream().filter(p -> p.name().equals(phase)).mapToLong(HandoffReport.Phase::bytes).sum();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
