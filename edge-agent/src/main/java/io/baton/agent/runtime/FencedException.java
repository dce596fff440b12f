package io.baton.agent.runtime;

/**
 * The client directory does not say what a handoff step needs: another handoff or epoch owns the
 * client. Every runtime's strategy fails a fenced step with it, and the agent answers the broker
 * with its own status for it, so the saga tells a lost race from a broken step.
 */
public final class FencedException extends RuntimeException {
  public FencedException(String message) {
    super(message, null, false, false);
  }
}
