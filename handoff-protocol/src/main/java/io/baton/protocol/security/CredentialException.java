package io.baton.protocol.security;

/** A credential that is missing, unreadable or malformed: the process must not start without it. */
public final class CredentialException extends RuntimeException {
  public CredentialException(String message) {
    super(message);
  }

  public CredentialException(String message, Throwable cause) {
    super(message, cause);
  }
}
