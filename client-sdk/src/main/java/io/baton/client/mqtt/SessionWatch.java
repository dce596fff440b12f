package io.baton.client.mqtt;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Keeps a session connected and subscribed where Paho's automatic reconnect alone would not: in
 * Paho 1.2.5 (3.1.1 and 5 alike) a reconnect attempt that throws at once, as it does while the old
 * connection is still shutting down on a slow machine, is logged and never retried, and a failed
 * subscription after a reconnect is nobody's to retry. Once a second the watch subscribes a
 * connection that lacks its subscription and reconnects a session that stayed down for
 * {@link #STALL_MILLIS}; it reports a regained connection only once the subscription is granted.
 */
final class SessionWatch {
  /** How long a session may stay down before the watch reconnects it itself (Paho retries every second). */
  static final long STALL_MILLIS = 5_000;
  private static final ScheduledExecutorService TICKS = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "baton-mqtt-session-watch");
    thread.setDaemon(true);
    return thread;
  });

  /** Starts one reconnect; throws when Paho is connecting or disconnecting right now. */
  @FunctionalInterface
  interface Reconnect {
    void start() throws Exception;
  }

  private final BooleanSupplier connected;
  private final Reconnect reconnect;
  private final Supplier<CompletableFuture<Void>> subscribe;
  private final Runnable regained;
  private boolean subscribed;
  private boolean subscribing;
  private long downSinceNanos;
  private ScheduledFuture<?> tick;

  /**
   * @param connected whether the Paho client is connected
   * @param subscribe subscribes the session's filter on the current connection
   * @param regained what to do once a regained connection holds the subscription again
   */
  SessionWatch(BooleanSupplier connected, Reconnect reconnect, Supplier<CompletableFuture<Void>> subscribe, Runnable regained) {
    this.connected = connected;
    this.reconnect = reconnect;
    this.subscribe = subscribe;
    this.regained = regained;
  }

  /** The session is open and subscribed: watch it from now on. */
  synchronized void start() {
    subscribed = true;
    tick = TICKS.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
  }

  /** Paho reconnected: the broker forgot the subscription (clean session). */
  void reconnected() {
    synchronized (this) {
      subscribed = false;
    }
    resubscribe();
  }

  void lost() {
    synchronized (this) {
      subscribed = false;
    }
  }

  synchronized void stop() {
    if (tick != null) {
      tick.cancel(false);
    }
  }

  private void watch() {
    boolean subscribeNow = false;
    synchronized (this) {
      if (connected.getAsBoolean()) {
        downSinceNanos = 0;
        subscribeNow = !subscribed;
      } else {
        subscribed = false;
        long now = System.nanoTime();
        if (downSinceNanos == 0) {
          downSinceNanos = now;
        } else if (now - downSinceNanos >= TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
          downSinceNanos = now;
          try {
            reconnect.start();
          } catch (Exception busy) {
            // Paho is connecting or disconnecting right now: look again at the next tick.
          }
        }
      }
    }
    if (subscribeNow) {
      resubscribe();
    }
  }

  private void resubscribe() {
    synchronized (this) {
      if (subscribing || subscribed) {
        return;
      }
      subscribing = true;
    }
    subscribe.get().whenComplete((granted, failure) -> {
      boolean report;
      synchronized (this) {
        subscribing = false;
        subscribed = failure == null;
        report = subscribed;
      }
      if (report) {
        regained.run();
      }
    });
  }
}
