package io.baton.agent.clients;

import io.baton.agent.Failures.UnauthorizedException;
import io.baton.protocol.security.AssignmentMac;
import io.baton.protocol.security.ClientSecrets;
import io.baton.protocol.security.MemberCredentials;
import io.baton.protocol.wire.Assignment;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * What the agent proves to clients and checks of them, beyond the channel (DTLS, MQTT over TLS):
 * the service token of each call and the MAC of each assignment it sends. Both come from the
 * client's secrets, derived from the mesh secret, so every site checks every client alike. An agent
 * without credentials (an unsecured development mesh) checks nothing and seals nothing.
 */
public final class ClientGuard {
  private final Optional<MemberCredentials> credentials;

  public ClientGuard(Optional<MemberCredentials> credentials) {
    this.credentials = credentials;
  }

  public boolean secured() {
    return credentials.isPresent();
  }

  /** Fails with 4.01 unless {@code presented} is the client's service token (compared in constant time). */
  public Future<Void> checkToken(String clientId, String presented) {
    if (credentials.isEmpty()) {
      return Future.succeededFuture();
    }
    if (presented.isEmpty()) {
      return Future.failedFuture(new UnauthorizedException("a service call needs the client's service token"));
    }
    String expected = credentials.get().secretsOf(clientId).serviceToken();
    return ClientSecrets.sameSecret(expected, presented) ? Future.succeededFuture()
        : Future.failedFuture(new UnauthorizedException("wrong service token for client '" + clientId + "'"));
  }

  /** The assignment as sent to its client: with the MAC of the client's redirect key when secured. */
  public JsonObject seal(Assignment assignment) {
    return credentials
        .map(member -> AssignmentMac.sealed(member.secretsOf(assignment.clientId()).redirectKey(), assignment))
        .orElseGet(assignment::toJson);
  }
}
