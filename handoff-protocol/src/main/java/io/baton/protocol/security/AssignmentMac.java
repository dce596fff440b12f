package io.baton.protocol.security;

import io.baton.protocol.wire.Assignment;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Authenticates an assignment as the mesh's: HMAC-SHA256 with the client's redirect key (which
 * only the client and the members hold) over a canonical encoding of every field, the epoch
 * included. A client follows a redirect only if its MAC verifies, so whoever can publish on its
 * redirect topic or spoof a CoAP notification still cannot move it.
 *
 * <p>Canonical encoding: {@code baton-assignment-v1} then, for each of clientId, service, site,
 * coapEndpoint, mqttEndpoint, epoch (decimal), a newline, the UTF-8 byte length in decimal, a colon
 * and the bytes. Length prefixes keep two different assignments from encoding alike.
 */
public final class AssignmentMac {
  /** The JSON field that carries the MAC, base64url without padding. */
  public static final String FIELD = "mac";

  private AssignmentMac() {
  }

  public static String of(byte[] redirectKey, Assignment assignment) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(ClientSecrets.hmac(redirectKey, canonical(assignment)));
  }

  /** The assignment as sent to a client: its JSON plus the MAC. */
  public static JsonObject sealed(byte[] redirectKey, Assignment assignment) {
    return assignment.toJson().put(FIELD, of(redirectKey, assignment));
  }

  /** Constant-time check of a presented MAC; a missing or undecodable one never verifies. */
  public static boolean verifies(byte[] redirectKey, Assignment assignment, String presented) {
    if (presented == null) {
      return false;
    }
    byte[] decoded;
    try {
      decoded = Base64.getUrlDecoder().decode(presented);
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
    return MessageDigest.isEqual(ClientSecrets.hmac(redirectKey, canonical(assignment)), decoded);
  }

  static byte[] canonical(Assignment assignment) {
    StringBuilder text = new StringBuilder("baton-assignment-v1");
    for (String field : new String[] {assignment.clientId(), assignment.service(), assignment.site(),
        assignment.coapEndpoint(), assignment.mqttEndpoint(), Long.toString(assignment.epoch())}) {
      text.append('\n').append(field.getBytes(StandardCharsets.UTF_8).length).append(':').append(field);
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }
}
