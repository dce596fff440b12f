package io.baton.protocol.security;

import java.nio.file.Path;

/**
 * Where a credentials directory keeps what (made by `baton credentials`, read by members and
 * clients). Two authorities, so that trust is decided by who signed, not by inspecting names: the
 * cluster CA signs members (agents, brokers, predictors), and clients verify the mesh against it;
 * the client CA signs client devices, and members accept client certificates signed by it only.
 *
 * <pre>
 * DIR/cluster-ca.crt.pem        trust anchor for member-to-member TLS and for clients
 * DIR/client-ca.crt.pem         trust anchor for client certificates
 * DIR/mesh.secret               members only: derives each client's PSK, token and MQTT password
 * DIR/operator.token            the control API's operator credential
 * DIR/private/*-ca.key.pem      the authorities' keys: stay on the machine that issues
 * DIR/members/NAME.{crt,key}.pem
 * DIR/clients/ID.{crt,key}.pem, DIR/clients/ID.secrets   (PSK, token, MQTT password)
 * </pre>
 */
public record CredentialLayout(Path dir) {
  public Path clusterCa() {
    return dir.resolve("cluster-ca.crt.pem");
  }

  public Path clientCa() {
    return dir.resolve("client-ca.crt.pem");
  }

  public Path clusterCaKey() {
    return dir.resolve("private").resolve("cluster-ca.key.pem");
  }

  public Path clientCaKey() {
    return dir.resolve("private").resolve("client-ca.key.pem");
  }

  public Path meshSecret() {
    return dir.resolve("mesh.secret");
  }

  public Path operatorToken() {
    return dir.resolve("operator.token");
  }

  public Path memberCertificate(String name) {
    return dir.resolve("members").resolve(name + ".crt.pem");
  }

  public Path memberKey(String name) {
    return dir.resolve("members").resolve(name + ".key.pem");
  }

  public Path clientCertificate(String clientId) {
    return dir.resolve("clients").resolve(clientId + ".crt.pem");
  }

  public Path clientKey(String clientId) {
    return dir.resolve("clients").resolve(clientId + ".key.pem");
  }

  public Path clientSecrets(String clientId) {
    return dir.resolve("clients").resolve(clientId + ".secrets");
  }
}
