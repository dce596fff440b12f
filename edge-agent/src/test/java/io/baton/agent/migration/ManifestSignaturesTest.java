package io.baton.agent.migration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.baton.agent.transfer.Hashes;
import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.grpc.ExecutionState;
import io.baton.protocol.security.MemberCredentials;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot manifest is accepted only as its source site signed it. */
class ManifestSignaturesTest {
  @TempDir
  static Path credentials;
  @TempDir
  static Path otherCredentials;

  private static MemberCredentials siteA;
  private static MemberCredentials siteC;
  private static final HandoffRequested REQUEST = new HandoffRequested("h-1", "car-1", "car-1/counter", "counter",
      "site-a", "site-b", 4, "cold", "test", 0);
  private static final byte[] STATE = {1, 2, 3, 4};

  @BeforeAll
  static void issue() {
    DevCertificateAuthority authority = DevCertificateAuthority.open(credentials);
    siteA = authority.issueMember("site-a", List.of("127.0.0.2"));
    siteC = authority.issueMember("site-c", List.of("127.0.0.4"));
  }

  private static ExecutionState state(int pageCount) {
    return ExecutionState.newBuilder().setHandoffId("h-1").setState(ByteString.copyFrom(STATE))
        .setSha256(Hashes.address(STATE)).setPageCount(pageCount).setSourceSite("site-a")
        .setPagesDigest(SnapshotManifest.pagesDigest(pageCount, page -> Hashes.address(new byte[] {(byte) page})))
        .build();
  }

  private static void verify(HandoffRequested request, ExecutionState state, ManifestSignatures.Signed signed) {
    ManifestSignatures.verify(siteA.clusterAnchors(), request.sourceSite(), SnapshotManifest.canonicalBytes(request, state),
        signed.signature(), signed.certificate());
  }

  @Test
  void theSourcesSignatureIsAccepted() {
    ExecutionState state = state(3);
    ManifestSignatures.Signed signed = ManifestSignatures.sign(siteA, SnapshotManifest.canonicalBytes(REQUEST, state));
    assertDoesNotThrow(() -> verify(REQUEST, state, signed));
  }

  @Test
  void aTamperedManifestIsRefused() {
    ExecutionState state = state(3);
    ManifestSignatures.Signed signed = ManifestSignatures.sign(siteA, SnapshotManifest.canonicalBytes(REQUEST, state));
    ExecutionState otherPages = state.toBuilder().setPagesDigest(SnapshotManifest.pagesDigest(4, page -> null)).build();
    assertThrows(SecurityException.class, () -> verify(REQUEST, otherPages, signed));
    byte[] forged = {9, 9, 9};
    ExecutionState otherState = state.toBuilder().setState(ByteString.copyFrom(forged)).setSha256(Hashes.address(forged)).build();
    assertThrows(SecurityException.class, () -> verify(REQUEST, otherState, signed));
    HandoffRequested otherEpoch = new HandoffRequested("h-1", "car-1", "car-1/counter", "counter", "site-a", "site-b", 5,
        "cold", "test", 0);
    assertThrows(SecurityException.class, () -> verify(otherEpoch, state, signed));
  }

  @Test
  void aManifestSignedByAnotherMemberIsRefused() {
    String reason = refusalOfSignatureBy(siteC);
    assertTrue(reason.contains("'site-c'"), reason);
  }

  @Test
  void aManifestSignedUnderAnotherAuthorityIsRefused() {
    String reason = refusalOfSignatureBy(
        DevCertificateAuthority.open(otherCredentials).issueMember("site-a", List.of("127.0.0.2")));
    assertTrue(reason.contains("cluster CA"), reason);
  }

  private static String refusalOfSignatureBy(MemberCredentials signer) {
    ExecutionState state = state(3);
    ManifestSignatures.Signed signed = ManifestSignatures.sign(signer, SnapshotManifest.canonicalBytes(REQUEST, state));
    return assertThrows(SecurityException.class, () -> verify(REQUEST, state, signed)).getMessage();
  }

  @Test
  void anUnsignedManifestIsRefused() {
    ExecutionState state = state(3);
    assertThrows(SecurityException.class, () -> verify(REQUEST, state, new ManifestSignatures.Signed(ByteString.EMPTY, ByteString.EMPTY)));
  }
}
