package io.baton.agent.runtime.memory;

/**
 * Where a missing page comes from: during post-copy, the source site. Called from a worker
 * thread with the memory's lock released; it may block until the page arrives.
 */
@FunctionalInterface
public interface PageSource {
  byte[] fetch(int page) throws PageUnavailableException;

  /** A page could not be had: the source is gone or refused. The instance cannot go on. */
  final class PageUnavailableException extends RuntimeException {
    public PageUnavailableException(String message) {
      super(message, null, false, false);
    }
  }
}
