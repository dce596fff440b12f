package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.agent.transfer.TransferClients;
import io.baton.broker.BrokerConfig;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.grpc.PingReply;
import io.baton.protocol.grpc.PingRequest;
import io.baton.protocol.security.CredentialLayout;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer plane answers only members: a gRPC client presenting a certificate of the mesh's
 * cluster CA is served; one without a certificate, with another CA's, or with a client
 * certificate is refused by the TLS handshake. A real mesh on 127.0.81.x.
 */
class TransferPlaneSecurityTest {
  @TempDir
  static Path otherCredentials;

  private static LocalMesh mesh;
  private static Vertx caller;
  private static LocalMesh.Site target;

  @BeforeAll
  static void start() throws Exception {
    mesh = MeshFixture.start(81, BrokerConfig.defaults());
    caller = Vertx.vertx();
    target = mesh.site("site-b").orElseThrow();
  }

  @AfterAll
  static void stop() throws Exception {
    MeshFixture.await(caller.close());
    mesh.close();
  }

  @Test
  void aMemberOfTheMeshIsServed() throws Exception {
    MemberCredentials member = mesh.credentials().member("tester", "127.0.81.9");
    assertEquals("site-b", ping(Optional.of(member)).getSite());
  }

  @Test
  void aCallerWithoutACertificateIsRefused() {
    assertThrows(ExecutionException.class, () -> ping(Optional.empty()));
  }

  @Test
  void aMemberOfAnotherAuthorityIsRefused() {
    MemberCredentials stranger = DevCertificateAuthority.open(otherCredentials).issueMember("stranger", List.of("127.0.81.9"));
    assertThrows(ExecutionException.class, () -> ping(Optional.of(stranger)));
  }

  @Test
  void aClientCertificateCannotPassForAMember() {
    DevCertificateAuthority.open(mesh.credentials().dir()).issueClient("phone-9", true);
    CredentialLayout layout = new CredentialLayout(mesh.credentials().dir());
    MemberCredentials real = target.config().credentials().orElseThrow();
    MemberCredentials phone = new MemberCredentials("phone-9", layout.clientCertificate("phone-9"),
        layout.clientKey("phone-9"), real.clusterCaPem(), real.clientCaPem(), real.meshSecret(), real.operatorToken());
    assertThrows(ExecutionException.class, () -> ping(Optional.of(phone)));
  }

  private static PingReply ping(Optional<MemberCredentials> credentials) throws Exception {
    TransferClients clients = new TransferClients(caller, credentials);
    try {
      return clients.to(target.config().host(), target.config().transferPort())
          .ping(PingRequest.newBuilder().setFromSite("tester").build())
          .toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      clients.close();
    }
  }
}
