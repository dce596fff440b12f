package io.baton.protocol.wire;

/**
 * A payload from outside the mesh that cannot be accepted. {@link #reason()} is meant for the
 * sender: it names the field and what was wrong with it.
 */
public final class InvalidPayloadException extends Exception {
  /** How the edge should answer: bad request, or a well-formed request about something unknown. */
  public enum Kind { MALFORMED, INVALID, UNKNOWN }

  private final Kind kind;

  public InvalidPayloadException(Kind kind, String reason) {
    super(reason, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public String reason() {
    return getMessage();
  }
}
