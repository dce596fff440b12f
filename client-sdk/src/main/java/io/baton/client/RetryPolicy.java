package io.baton.client;

import java.time.Duration;

/**
 * How a client waits and retries. {@code attemptTimeout}: how long one send waits for an answer;
 * {@code backoff}: the pause before a held call is sent again; {@code maxHold}: how long a call may
 * be held in all before it fails; {@code reattachAfter}: after this many unanswered sends in a row
 * the client assumes it lost its site and attaches again, at its last known assignment first.
 */
public record RetryPolicy(Duration attemptTimeout, Duration backoff, Duration maxHold, int reattachAfter) {

  public RetryPolicy {
    if (attemptTimeout.isNegative() || attemptTimeout.isZero() || backoff.isNegative() || maxHold.isNegative()
        || reattachAfter < 1) {
      throw new IllegalArgumentException("bad retry policy: " + attemptTimeout + ", " + backoff + ", " + maxHold + ", "
          + reattachAfter);
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(Duration.ofMillis(1_000), Duration.ofMillis(20), Duration.ofSeconds(30), 3);
  }
}
