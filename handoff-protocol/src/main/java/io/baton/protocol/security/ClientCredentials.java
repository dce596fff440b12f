package io.baton.protocol.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;

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

  /** A gateway's certificate says OU=gateway; over MQTT it logs in as {@code gateway/ID}. */
  public boolean gateway() {
    return chain().map(certificates -> isGatewayName(certificates.get(0).getSubjectX500Principal().getName())).orElse(false);
  }

  /** The MQTT user name of these credentials: the client id, or a gateway's login. */
  public String mqttUser() {
    return gateway() ? ClientSecrets.gatewayUser(clientId) : clientId;
  }

  private static boolean isGatewayName(String subject) {
    try {
      return new LdapName(subject).getRdns().stream()
          .anyMatch(rdn -> rdn.getType().equalsIgnoreCase("OU") && "gateway".equals(rdn.getValue().toString()));
    } catch (InvalidNameException unreadable) {
      return false;
    }
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
