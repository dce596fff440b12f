package io.baton.client.spi;

import io.baton.protocol.security.AssignmentMac;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.InvalidPayloadException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one gate every assignment a transport receives passes (attach answers, CoAP notifications,
 * MQTT redirects): strictly parsed, and, when the client holds a redirect key, accepted only if its
 * MAC verifies. Anything else is dropped, counted and logged, and the client stays where it is.
 */
public final class AssignmentVerifier {
  private static final System.Logger LOG = System.getLogger(AssignmentVerifier.class.getName());

  private final Optional<byte[]> redirectKey;
  private final AtomicLong rejected = new AtomicLong();

  /** Without a key (an unsecured mesh) a well-formed assignment is accepted as it is. */
  public AssignmentVerifier(Optional<byte[]> redirectKey) {
    this.redirectKey = redirectKey;
  }

  public Optional<Assignment> verify(byte[] payload) {
    Assignment assignment;
    try {
      assignment = Assignment.parse(Buffer.buffer(payload));
    } catch (InvalidPayloadException malformed) {
      return reject("malformed assignment: " + malformed.getMessage());
    }
    if (redirectKey.isPresent()) {
      Object mac = new JsonObject(Buffer.buffer(payload)).getValue(AssignmentMac.FIELD);
      if (!(mac instanceof String text) || !AssignmentMac.verifies(redirectKey.get(), assignment, text)) {
        return reject("assignment to " + assignment.site() + " (epoch " + assignment.epoch()
            + ") does not carry the mesh's MAC: ignored");
      }
    }
    return Optional.of(assignment);
  }

  /** How many assignments were dropped: malformed, unauthenticated or forged. */
  public long rejected() {
    return rejected.get();
  }

  private Optional<Assignment> reject(String why) {
    rejected.incrementAndGet();
    LOG.log(Level.WARNING, why);
    return Optional.empty();
  }
}
