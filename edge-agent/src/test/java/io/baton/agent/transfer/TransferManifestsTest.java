package io.baton.agent.transfer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.grpc.Checkpoint;
import io.baton.protocol.grpc.ExecutionState;
import io.baton.protocol.grpc.FileRef;
import io.baton.protocol.security.MemberCredentials;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One manifest format for every request that changes what runs at a target, a paged-memory
 * execution state as much as a container checkpoint: accepted only as its source site signed it,
 * for this target site.
 */
class TransferManifestsTest {
  @TempDir
  static Path credentials;
  @TempDir
  static Path otherCredentials;

  private static MemberCredentials siteA;
  private static MemberCredentials siteC;
  private static final byte[] STATE = {1, 2, 3, 4};

  @BeforeAll
  static void issue() {
    DevCertificateAuthority authority = DevCertificateAuthority.open(credentials);
    siteA = authority.issueMember("site-a", List.of("127.0.0.2"));
    siteC = authority.issueMember("site-c", List.of("127.0.0.4"));
  }

  private static ExecutionState state() {
    return ExecutionState.newBuilder().setHandoffId("h-1").setState(ByteString.copyFrom(STATE))
        .setSha256(Hashes.address(STATE)).setPageCount(3).setSourceSite("site-a").addStalePages(2)
        .setPagesDigest(Hashes.address(new byte[] {7})).setInstanceId("car-1/counter").setClientId("car-1").setEpoch(4)
        .build();
  }

  private static void verifyAtSiteB(com.google.protobuf.Message request) {
    TransferManifests.verify(request, siteA.clusterAnchors(), "site-b");
  }

  @Test
  void theSourcesSignatureIsAcceptedForEitherKindOfState() {
    assertDoesNotThrow(() -> verifyAtSiteB(TransferManifests.sign(state(), siteA, "site-a", "site-b")));
    Checkpoint checkpoint = Checkpoint.newBuilder().setInstanceId("car-1").setName("final").setRestore(true)
        .addFiles(FileRef.newBuilder().setPath("pages-1.img").setSize(4096).addChunks(Hashes.address(STATE))).build();
    assertDoesNotThrow(() -> verifyAtSiteB(TransferManifests.sign(checkpoint, siteA, "site-a", "site-b")));
  }

  @Test
  void everyFieldOfTheStateIsCovered() {
    ExecutionState signed = TransferManifests.sign(state(), siteA, "site-a", "site-b");
    byte[] forged = {9, 9, 9};
    List<ExecutionState> tampered = List.of(
        signed.toBuilder().setPagesDigest(Hashes.address(new byte[] {8})).build(),
        signed.toBuilder().setState(ByteString.copyFrom(forged)).setSha256(Hashes.address(forged)).build(),
        signed.toBuilder().setEpoch(5).build(),
        signed.toBuilder().setInstanceId("car-2/counter").build(),
        signed.toBuilder().clearStalePages().build(),
        signed.toBuilder().setLazy(true).build(),
        signed.toBuilder().setHandoffId("h-2").build());
    for (ExecutionState changed : tampered) {
      assertThrows(SecurityException.class, () -> verifyAtSiteB(changed), changed.toString());
    }
  }

  @Test
  void aStateSignedForAnotherTargetIsRefused() {
    ExecutionState forSiteC = TransferManifests.sign(state(), siteA, "site-a", "site-c");
    assertThrows(SecurityException.class, () -> verifyAtSiteB(forSiteC));
  }

  @Test
  void aStateSignedByAnotherMemberIsRefused() {
    String reason = assertThrows(SecurityException.class,
        () -> verifyAtSiteB(TransferManifests.sign(state(), siteC, "site-a", "site-b"))).getMessage();
    assertTrue(reason.contains("'site-c'"), reason);
  }

  @Test
  void aStateSignedUnderAnotherAuthorityIsRefused() {
    MemberCredentials outsider = DevCertificateAuthority.open(otherCredentials).issueMember("site-a", List.of("127.0.0.2"));
    String reason = assertThrows(SecurityException.class,
        () -> verifyAtSiteB(TransferManifests.sign(state(), outsider, "site-a", "site-b"))).getMessage();
    assertTrue(reason.contains("cluster CA"), reason);
  }

  @Test
  void anUnsignedStateIsRefused() {
    assertEquals("the baton.transfer.v1.ExecutionState request is not signed",
        assertThrows(SecurityException.class, () -> verifyAtSiteB(state())).getMessage());
  }
}
