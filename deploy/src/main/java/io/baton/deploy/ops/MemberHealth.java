package io.baton.deploy.ops;

import io.baton.cluster.ClusterMember;
import io.baton.protocol.health.StallWatchdog;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one member's health endpoints answer.
 *
 * <p>Live: every event loop of the member runs a task within {@code loopDeadline}, and its cluster
 * operations are not stalled (its {@link StallWatchdog}'s canary is not pending past its limit).
 * A member still joining is live: joining is readiness's business, and a restart would not
 * shorten it.
 *
 * <p>Ready: it joined the cluster, its verticles finished starting (an agent's CoAP and MQTT faces
 * listen and its site is in the directory; a broker's saga and telemetry consumers are
 * registered), its cluster manager is still active, and it has not begun to stop.
 */
public final class MemberHealth {
  public static final Duration DEFAULT_LOOP_DEADLINE = Duration.ofSeconds(1);

  private enum Phase { STARTING, READY, STOPPING }

  private final Duration loopDeadline;
  private volatile Phase phase = Phase.STARTING;
  private volatile Vertx member;

  public MemberHealth(Duration loopDeadline) {
    if (loopDeadline.isNegative() || loopDeadline.isZero()) {
      throw new IllegalArgumentException("the liveness deadline must be positive, got " + loopDeadline.toMillis() + " ms");
    }
    this.loopDeadline = loopDeadline;
  }

  /** The member joined the cluster: liveness now watches its event loops. */
  public void joined(Vertx member) {
    this.member = member;
  }

  /** Everything the member serves is up. */
  public void ready() {
    if (phase == Phase.STARTING) {
      phase = Phase.READY;
    }
  }

  /** The member began to stop: from now on it is never ready again. */
  public void stopping() {
    phase = Phase.STOPPING;
  }

  /** Empty when ready, else why not. */
  public Optional<String> notReady() {
    Vertx joined = member;
    return switch (phase) {
      case STARTING -> Optional.of(joined == null ? "starting, not in the cluster yet" : "starting");
      case STOPPING -> Optional.of("stopping");
      case READY -> joined == null ? Optional.of("not in the cluster")
          : ((VertxInternal) joined).clusterManager().isActive() ? Optional.empty() : Optional.of("left the cluster");
    };
  }

  /**
   * Succeeds when live, fails with the reason otherwise; never takes much longer than the deadline.
   * {@code timers} is the prober's own instance: the member's may be the one stuck.
   */
  public Future<Void> live(Vertx timers) {
    Vertx joined = member;
    if (joined == null) {
      return Future.succeededFuture();
    }
    if (ClusterMember.watchdog(joined).map(StallWatchdog::clusterStalled).orElse(false)) {
      return Future.failedFuture("its cluster operations stalled");
    }
    List<Future<Void>> answers = new ArrayList<>();
    for (EventExecutor loop : ((VertxInternal) joined).nettyEventLoopGroup()) {
      Promise<Void> answered = Promise.promise();
      try {
        loop.execute(answered::tryComplete);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        answered.tryFail("an event loop is shut down");
      }
      answers.add(answered.future());
    }
    Promise<Void> verdict = Promise.promise();
    long timer = timers.setTimer(loopDeadline.toMillis(),
        id -> verdict.tryFail("an event loop did not answer within " + loopDeadline.toMillis() + " ms"));
    Future.all(answers).onComplete(all -> {
      timers.cancelTimer(timer);
      if (all.succeeded()) {
        verdict.tryComplete();
      } else {
        verdict.tryFail(all.cause());
      }
    });
    return verdict.future();
  }
}
