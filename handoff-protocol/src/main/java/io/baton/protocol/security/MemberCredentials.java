package io.baton.protocol.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * What a cluster member (agent, broker, predictor) proves itself with and whom it trusts. Loaded
 * once at start; a missing or malformed file stops the start with the file named.
 *
 * @param certificatePem the member's certificate chain (paths are kept for the libraries that
 *     take PEM files themselves, e.g. Vert.x's PemKeyCertOptions)
 */
public record MemberCredentials(
    String name,
    Path certificatePem,
    Path keyPem,
    Path clusterCaPem,
    Path clientCaPem,
    byte[] meshSecret,
    String operatorToken) {

  public static MemberCredentials load(Path dir, String name) {
    CredentialLayout layout = new CredentialLayout(dir);
    Path certificate = requireFile(layout.memberCertificate(name), "member certificate of " + name);
    Path key = requireFile(layout.memberKey(name), "member key of " + name);
    Path clusterCa = requireFile(layout.clusterCa(), "cluster CA certificate");
    Path clientCa = requireFile(layout.clientCa(), "client CA certificate");
    byte[] meshSecret = HexFormat.of().parseHex(readTrimmed(layout.meshSecret(), "mesh secret"));
    String operatorToken = readTrimmed(layout.operatorToken(), "operator token");
    return new MemberCredentials(name, certificate, key, clusterCa, clientCa, meshSecret, operatorToken);
  }

  public List<X509Certificate> chain() {
    return Pem.readCertificates(certificatePem);
  }

  public PrivateKey key() {
    return Pem.readPrivateKey(keyPem);
  }

  public List<X509Certificate> clusterAnchors() {
    return Pem.readCertificates(clusterCaPem);
  }

  public List<X509Certificate> clientAnchors() {
    return Pem.readCertificates(clientCaPem);
  }

  /** Mutual TLS between members: present this member, accept only members. */
  public SSLContext memberTls() {
    return TlsContexts.mutual(key(), chain(), clusterAnchors());
  }

  public ClientSecrets secretsOf(String clientId) {
    return ClientSecrets.derive(meshSecret, clientId);
  }

  public ClientSecrets gatewaySecretsOf(String gatewayId) {
    return ClientSecrets.deriveGateway(meshSecret, gatewayId);
  }

  static Path requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new CredentialException(
          "missing " + what + " (" + file + "); create credentials with `baton credentials`");
    }
    return file;
  }

  static String readTrimmed(Path file, String what) {
    try {
      return Files.readString(requireFile(file, what)).trim();
    } catch (IOException e) {
      throw new CredentialException("cannot read " + what + " (" + file + "): " + e.getMessage(), e);
    }
  }
}
