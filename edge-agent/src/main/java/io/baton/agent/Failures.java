package io.baton.agent;

import io.baton.agent.runtime.CorruptSnapshotException;
import io.baton.agent.runtime.InstanceNotServingException;
import io.baton.agent.runtime.ServiceException;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.wire.InvalidPayloadException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * One mapping from failures to status codes (HTTP numbering), shared by the CoAP face and by
 * event-bus replies, so a call forwarded to another site fails the same way as a local one.
 */
public final class Failures {
  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int UNAVAILABLE = 503;
  public static final int INTERNAL = 500;

  private Failures() {
  }

  public static int status(Throwable failure) {
    if (failure instanceof InvalidPayloadException invalid) {
      return invalid.kind() == InvalidPayloadException.Kind.UNKNOWN ? NOT_FOUND : BAD_REQUEST;
    }
    if (failure instanceof UnauthorizedException) {
      return UNAUTHORIZED;
    }
    if (failure instanceof ForbiddenException) {
      return FORBIDDEN;
    }
    if (failure instanceof UnknownClientException || failure instanceof SiteDirectory.UnknownSiteException) {
      return NOT_FOUND;
    }
    if (failure instanceof ServiceException || failure instanceof CorruptSnapshotException) {
      return BAD_REQUEST;
    }
    if (failure instanceof InstanceNotServingException) {
      return UNAVAILABLE;
    }
    if (failure instanceof ReplyException reply) {
      return reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() >= 400
          ? reply.failureCode() : UNAVAILABLE;
    }
    return INTERNAL;
  }

  /** The CoAP spelling of a status, e.g. 404 -> "4.04": what MQTT error messages carry too. */
  public static String coapCode(int status) {
    return status / 100 + "." + String.format("%02d", status % 100);
  }

  public static String reason(Throwable failure) {
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }

  /** No client of that id is attached anywhere in the mesh. */
  public static final class UnknownClientException extends RuntimeException {
    public UnknownClientException(String clientId) {
      super("unknown client '" + clientId + "': attach first", null, false, false);
    }
  }

  /** The call lacks the client's service token, or carries a wrong one: nothing was executed. */
  public static final class UnauthorizedException extends RuntimeException {
    public UnauthorizedException(String message) {
      super(message, null, false, false);
    }
  }

  /** An authenticated peer asked to act as someone else. */
  public static final class ForbiddenException extends RuntimeException {
    public ForbiddenException(String message) {
      super(message, null, false, false);
    }
  }
}
