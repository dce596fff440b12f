package io.baton.client;

import io.baton.protocol.wire.Assignment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Turns what calls and redirects tell one client into handoff start and end events. A held call
 * opens an episode tentatively (a lost datagram also holds a call); a frozen answer or a redirect
 * makes it a handoff; the first answer under a newer epoch, or under the same epoch for a call sent
 * after the episode began (an aborted handoff), ends it.
 */
final class HandoffTracker {
  private final String clientId;
  private final List<HandoffListener> listeners;
  private Assignment from;
  private long startNanos = -1;
  private Instant startedAt;
  private boolean announced;
  private int held;
  private long latestEpoch;

  HandoffTracker(String clientId, List<HandoffListener> listeners) {
    this.clientId = clientId;
    this.listeners = listeners;
  }

  void held(Assignment at, long callStartNanos, boolean frozen) {
    Optional<HandoffListener.Start> start;
    synchronized (this) {
      if (at.epoch() < latestEpoch) {
        // A call sent to where the service was before a handoff already seen to end: it is sent
        // again to the new site, and must not open the same handoff a second time.
        return;
      }
      open(at, callStartNanos);
      held++;
      start = frozen ? announce("frozen") : Optional.empty();
    }
    start.ifPresent(this::fireStart);
  }

  void redirected(Assignment previous) {
    Optional<HandoffListener.Start> start;
    synchronized (this) {
      open(previous, System.nanoTime());
      start = announce("redirect");
    }
    start.ifPresent(this::fireStart);
  }

  void answered(String site, long epoch, long callStartNanos) {
    HandoffListener.End end;
    synchronized (this) {
      latestEpoch = Math.max(latestEpoch, epoch);
      if (startNanos < 0) {
        return;
      }
      boolean moved = epoch > from.epoch();
      boolean resumed = epoch == from.epoch() && callStartNanos > startNanos;
      if (!moved && !resumed) {
        return;
      }
      if (!announced) {
        close();
        return;
      }
      // Nothing held: the app was not kept waiting until it called, so count from that call's send.
      long waitingSince = held == 0 ? Math.max(startNanos, callStartNanos) : startNanos;
      end = new HandoffListener.End(clientId, from.site(), site, epoch, Duration.ofNanos(System.nanoTime() - waitingSince), held,
          moved);
      close();
    }
    listeners.forEach(listener -> listener.onHandoffEnd(end));
  }

  private void open(Assignment at, long sinceNanos) {
    if (startNanos < 0) {
      from = at;
      startNanos = sinceNanos;
      startedAt = Instant.now().minusNanos(Math.max(0, System.nanoTime() - sinceNanos));
    } else if (sinceNanos < startNanos) {
      startNanos = sinceNanos;
    }
  }

  private Optional<HandoffListener.Start> announce(String cause) {
    if (announced) {
      return Optional.empty();
    }
    announced = true;
    return Optional.of(new HandoffListener.Start(clientId, from.site(), from.epoch(), startedAt, cause));
  }

  private void close() {
    startNanos = -1;
    announced = false;
    held = 0;
    from = null;
  }

  private void fireStart(HandoffListener.Start start) {
    listeners.forEach(listener -> listener.onHandoffStart(start));
  }
}
