package io.baton.agent.migration;

/**
 * When iterative pre-copy stops: after {@code maxRounds}, when a dirty set falls below {@code
 * smallDirtyPages}, or when a dirty set is not at least {@code shrinkFactor} times smaller than
 * the one before (the service dirties pages about as fast as the link moves them).
 */
public record PrecopyLimits(int maxRounds, int smallDirtyPages, double shrinkFactor) {
  public static PrecopyLimits defaults() {
    return new PrecopyLimits(5, 16, 0.8);
  }
}
