package io.baton.agent.runtime;

/** The service refused a call it understood (unknown operation, missing argument). */
public final class ServiceException extends RuntimeException {
  public ServiceException(String message) {
    super(message, null, false, false);
  }
}
