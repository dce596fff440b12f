package io.baton.client;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Holds a client's calls while its service cannot answer (frozen for a handoff, or its site
 * silent). Only one call probes at a time, with exponential backoff; the others wait here and are
 * all sent again at once when the probe is answered or a redirect arrives. Without it every held
 * call would retry on its own, and a long freeze would flood the site and exhaust the client's
 * CoAP message ids.
 */
final class HoldGate {
  static final long MAX_BACKOFF_MS = 1_000;

  private final ScheduledExecutorService timers;
  private final long firstBackoffMs;
  private final Deque<Consumer<Boolean>> waiting = new ArrayDeque<>();
  private boolean held;
  private boolean probeScheduled;
  private long backoffMs;

  HoldGate(ScheduledExecutorService timers, long firstBackoffMs) {
    this.timers = timers;
    this.firstBackoffMs = Math.max(1, firstBackoffMs);
    this.backoffMs = this.firstBackoffMs;
  }

  /**
   * Sends now (the consumer gets false: not a probe) unless calls are held, in which case the send
   * waits its turn.
   */
  void submit(Consumer<Boolean> send) {
    synchronized (this) {
      if (held) {
        waiting.add(send);
        return;
      }
    }
    send.accept(false);
  }

  /** A send was refused or went unanswered: hold, and have it (or an earlier waiter) probe later. */
  void hold(Consumer<Boolean> retry) {
    synchronized (this) {
      held = true;
      waiting.add(retry);
      if (probeScheduled) {
        return;
      }
      probeScheduled = true;
      long delay = backoffMs;
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
      timers.schedule(this::probe, delay, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * The probing call gave up (held past its maximum) without being answered: the probe passes to
   * the next waiting call, or, with none waiting, the gate opens so the next call goes out itself.
   * Without this the waiters would wait for a probe nobody schedules, for ever.
   */
  void giveUp() {
    handProbeOn(backoffMs);
  }

  /**
   * The probe fell to a call that had already expired while it waited: the next waiting call
   * probes now (it is not the site's answer that is late), or the gate opens if none waits.
   */
  void passOn() {
    handProbeOn(0);
  }

  /** Schedules the next waiting call's probe after {@code delayMs}, or opens the gate if none waits. */
  private void handProbeOn(long delayMs) {
    synchronized (this) {
      if (waiting.isEmpty()) {
        held = false;
        backoffMs = firstBackoffMs;
        return;
      }
      if (probeScheduled) {
        return;
      }
      probeScheduled = true;
      timers.schedule(this::probe, delayMs, TimeUnit.MILLISECONDS);
    }
  }

  private void probe() {
    Consumer<Boolean> next;
    synchronized (this) {
      probeScheduled = false;
      next = waiting.poll();
      if (next == null) {
        return;
      }
    }
    next.accept(true);
  }

  /** The service answers again (a probe succeeded, or the client was redirected): send everything held. */
  void release() {
    List<Consumer<Boolean>> resend;
    synchronized (this) {
      if (!held) {
        return;
      }
      held = false;
      backoffMs = firstBackoffMs;
      resend = List.copyOf(waiting);
      waiting.clear();
    }
    resend.forEach(send -> send.accept(false));
  }
}
