package io.baton.broker.saga;

/** A saga step that did not succeed: which one, and the cause as the agent or the bus gave it. */
final class StepFailure extends RuntimeException {
  private final String step;

  StepFailure(String step, Throwable cause) {
    super(step + " failed: " + cause.getMessage(), cause, false, false);
    this.step = step;
  }

  String step() {
    return step;
  }
}
