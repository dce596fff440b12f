package io.baton.broker.control;

/** A request the control API refuses, with the reason the caller gets back (HTTP 4xx, gRPC INVALID_ARGUMENT or NOT_FOUND). */
public final class BadRequestException extends RuntimeException {
  private final int status;

  public BadRequestException(String reason) {
    this(400, reason);
  }

  public BadRequestException(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
