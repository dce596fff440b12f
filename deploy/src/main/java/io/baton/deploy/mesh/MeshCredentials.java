package io.baton.deploy.mesh;

import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.security.CredentialException;
import io.baton.protocol.security.MemberCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The credentials of a single-host mesh: a development CA in a directory, issuing each member its
 * certificate for the address it binds. A mesh without a directory of its own gets a temporary one,
 * removed when the JVM exits, so every mesh runs secured.
 */
public final class MeshCredentials {
  public static final String BROKER = "broker";

  private final DevCertificateAuthority authority;

  private MeshCredentials(DevCertificateAuthority authority) {
    this.authority = authority;
  }

  /** Creates the authorities in {@code dir} the first time, reuses them afterwards. */
  public static MeshCredentials in(Path dir) {
    return new MeshCredentials(DevCertificateAuthority.open(dir));
  }

  /** The layout's credentials directory if it names one, else a temporary one. */
  public static MeshCredentials of(MeshLayout layout) {
    return layout.credentials().map(MeshCredentials::in).orElseGet(MeshCredentials::temporary);
  }

  public static MeshCredentials temporary() {
    try {
      Path dir = Files.createTempDirectory("baton-credentials-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      return in(dir);
    } catch (IOException e) {
      throw new CredentialException("cannot create a temporary credentials directory: " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return authority.layout().dir();
  }

  /** Issues (again) the member {@code name}, valid for {@code host}. */
  public synchronized MemberCredentials member(String name, String host) {
    return authority.issueMember(name, List.of(host));
  }

  /** Issues (again) the client {@code clientId}: a certificate of the client CA and its secrets. */
  public synchronized ClientCredentials client(String clientId) {
    return authority.issueClient(clientId, true);
  }

  /** Issues (again) a gateway, a client that may attach and report for the devices behind it. */
  public synchronized ClientCredentials gateway(String gatewayId) {
    return authority.issueGateway(gatewayId);
  }

  /** The file that holds {@link #operatorToken()}. */
  public Path operatorTokenFile() {
    return authority.layout().operatorToken();
  }

  /** The operator's credential for the control API and the dashboard. */
  public String operatorToken() {
    try {
      return Files.readString(authority.layout().operatorToken()).trim();
    } catch (IOException e) {
      throw new CredentialException("cannot read the operator token: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }
}
