package io.baton.agent.runtime;

/** A snapshot that cannot be restored (truncated, foreign, or altered); nothing was changed. */
public final class CorruptSnapshotException extends IllegalArgumentException {
  public CorruptSnapshotException(String message) {
    super(message);
  }
}
