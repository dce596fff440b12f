package io.baton.broker.saga;

import io.baton.protocol.event.HandoffAborted;

/** The handoff did not happen; {@link #event()} says at which step, why, and what was compensated. */
public final class HandoffAbortedException extends RuntimeException {
  private final HandoffAborted event;

  public HandoffAbortedException(HandoffAborted event) {
    super("handoff " + event.handoffId() + " aborted at " + event.failedStep() + ": " + event.reason()
        + " (" + event.compensation() + ")", null, false, false);
    this.event = event;
  }

  public HandoffAborted event() {
    return event;
  }
}
