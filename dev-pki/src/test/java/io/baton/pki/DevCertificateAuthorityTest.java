package io.baton.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.security.CredentialException;
import io.baton.protocol.security.MemberCredentials;
import io.baton.protocol.security.TlsContexts;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCertificateAuthorityTest {
  @TempDir Path dir;

  @Test
  void membersOfTheSameCaCompleteMutualTls() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.open(dir);
    MemberCredentials a = ca.issueMember("agent-a", List.of("127.0.0.1"));
    MemberCredentials b = ca.issueMember("agent-b", List.of("127.0.0.1"));

    assertEquals("CN=agent-b,OU=member,O=Baton", handshake(a.memberTls(), b.memberTls()));
  }

  @Test
  void aClientCertificateCannotPassForAMember() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.open(dir);
    MemberCredentials member = ca.issueMember("broker", List.of("127.0.0.1"));
    ClientCredentials client = ca.issueClient("phone-1", true);
    SSLContext impostor =
        TlsContexts.mutual(client.key().orElseThrow(), client.chain().orElseThrow(), member.clusterAnchors());

    assertThrows(Exception.class, () -> handshake(member.memberTls(), impostor));
  }

  @Test
  void anotherMeshsMemberIsRefused(@TempDir Path otherDir) {
    MemberCredentials ours = DevCertificateAuthority.open(dir).issueMember("agent-a", List.of());
    MemberCredentials theirs = DevCertificateAuthority.open(otherDir).issueMember("agent-a", List.of());

    assertThrows(Exception.class, () -> handshake(ours.memberTls(), theirs.memberTls()));
  }

  @Test
  void reopeningKeepsTheAuthoritiesAndSecrets() throws IOException {
    DevCertificateAuthority.open(dir).issueMember("agent-a", List.of());
    String caBefore = Files.readString(dir.resolve("cluster-ca.crt.pem"));
    String secretBefore = Files.readString(dir.resolve("mesh.secret"));

    MemberCredentials reissued = DevCertificateAuthority.open(dir).issueMember("agent-b", List.of());

    assertEquals(caBefore, Files.readString(dir.resolve("cluster-ca.crt.pem")));
    assertEquals(secretBefore, Files.readString(dir.resolve("mesh.secret")));
    assertTrue(reissued.chain().get(0).getIssuerX500Principal().getName().contains("Baton cluster CA"));
  }

  @Test
  void aClientsSecretsAreWhatEveryMemberDerives() {
    DevCertificateAuthority ca = DevCertificateAuthority.open(dir);
    MemberCredentials member = ca.issueMember("agent-a", List.of());
    ClientCredentials client = ca.issueClient("sensor-7", false);

    assertArrayEquals(member.secretsOf("sensor-7").psk(), client.secrets().psk());
    assertEquals(member.secretsOf("sensor-7").serviceToken(), client.secrets().serviceToken());
    assertTrue(client.certificatePem().isEmpty(), "a PSK-only device gets no certificate");
    assertTrue(!member.secretsOf("sensor-8").serviceToken().equals(client.secrets().serviceToken()));
  }

  @Test
  void keysAndSecretsAreOwnerOnly() throws IOException {
    DevCertificateAuthority.open(dir).issueMember("agent-a", List.of());

    for (Path file : List.of(dir.resolve("mesh.secret"), dir.resolve("private/cluster-ca.key.pem"),
        dir.resolve("members/agent-a.key.pem"))) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
    }
  }

  @Test
  void badNamesAndMissingFilesAreClearErrors() {
    DevCertificateAuthority ca = DevCertificateAuthority.open(dir);
    assertThrows(IllegalArgumentException.class, () -> ca.issueMember("../etc", List.of()));
    CredentialException missing =
        assertThrows(CredentialException.class, () -> MemberCredentials.load(dir, "never-issued"));
    assertTrue(missing.getMessage().contains("never-issued"), missing.getMessage());
  }

  /** One TLS 1.3 handshake with client auth required; returns the client's subject as the server saw it. */
  private static String handshake(SSLContext server, SSLContext client) throws Exception {
    try (SSLServerSocket listener =
        (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket accepted = (SSLSocket) listener.accept()) {
          accepted.startHandshake();
          accepted.getOutputStream().write(1);
          return accepted.getSession().getPeerPrincipal().getName();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket socket =
          (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        socket.startHandshake();
        if (socket.getInputStream().read() != 1) {
          throw new IOException("the server closed the connection");
        }
      }
      return peer.get(10, TimeUnit.SECONDS);
    }
  }
}
