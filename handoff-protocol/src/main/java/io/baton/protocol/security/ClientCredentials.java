package io.baton.protocol.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What a client device holds: its secrets (always), its certificate (when it was issued one;
 * PSK-only devices have none), and the cluster CA it verifies the mesh against.
 */
public record ClientCredentials(
    String clientId,
    ClientSecrets secrets,
    Optional<Path> certificatePem,
    Optional<Path> keyPem,
    Path clusterCaPem) {

  public static ClientCredentials load(Path dir, String clientId) {
    CredentialLayout layout = new CredentialLayout(dir);
    ClientSecrets secrets =
        ClientSecrets.fromProperties(
            MemberCredentials.readTrimmed(layout.clientSecrets(clientId), "secrets of client " + clientId));
    Path clusterCa = MemberCredentials.requireFile(layout.clusterCa(), "cluster CA certificate");
    Optional<Path> certificate = Optional.of(layout.clientCertificate(clientId)).filter(Files::isRegularFile);
    Optional<Path> key = Optional.of(layout.clientKey(clientId)).filter(Files::isRegularFile);
    if (certificate.isPresent() != key.isPresent()) {
      throw new CredentialException("client " + clientId + " has a certificate without its key, or a key without its certificate");
    }
    return new ClientCredentials(clientId, secrets, certificate, key, clusterCa);
  }

  public Optional<List<X509Certificate>> chain() {
    return certificatePem.map(Pem::readCertificates);
  }

  public Optional<PrivateKey> key() {
    return keyPem.map(Pem::readPrivateKey);
  }

  public List<X509Certificate> clusterAnchors() {
    return Pem.readCertificates(clusterCaPem);
  }
}
