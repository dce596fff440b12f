package io.baton.deploy.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member that joined and serves: how it stops. Stopping says "not ready" first (a load balancer
 * stops sending it new clients), then runs what must happen while it is still a member (an agent
 * hands its clients over), then leaves the cluster. The process's shutdown hook (SIGTERM) and tests
 * call the same {@link #stop()}.
 */
public final class RunningMember implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunningMember.class);
  /**
   * How long the shutdown hook waits for the whole stop. What runs before leaving ends by its own
   * deadline and leaving hands Hazelcast partitions over; this only keeps a bug from holding the
   * JVM's exit forever.
   */
  private static final long STOP_TIMEOUT_S = 15 * 60;

  private final String name;
  private final Vertx member;
  private final MemberHealth health;
  private final HealthServer healthServer;
  private final Supplier<Future<?>> beforeLeaving;
  private CompletableFuture<Void> stopped;

  /** {@code healthServer} may be null (no health port); {@code beforeLeaving} must end by its own deadline. */
  public RunningMember(String name, Vertx member, MemberHealth health, HealthServer healthServer,
      Supplier<Future<?>> beforeLeaving) {
    this.name = name;
    this.member = member;
    this.health = health;
    this.healthServer = healthServer;
    this.beforeLeaving = beforeLeaving;
    health.ready();
  }

  public Vertx vertx() {
    return member;
  }

  /** Stops once, whoever asks first; the health endpoints stay up (answering "not ready") until {@link #close()}. */
  public synchronized CompletableFuture<Void> stop() {
    if (stopped == null) {
      health.stopping();
      LOG.info("{} stopping", name);
      stopped = Future.succeededFuture()
          .compose(v -> beforeLeaving.get())
          .recover(failure -> {
            LOG.warn("{}: before leaving the cluster: {}", name, failure.getMessage());
            return Future.succeededFuture();
          })
          .compose(v -> member.close())
          .onSuccess(v -> LOG.info("{} left the cluster", name))
          .toCompletionStage().toCompletableFuture();
    }
    return stopped;
  }

  /** Blocks until the process is told to stop (SIGTERM, Ctrl-C), which stops this member first. */
  public void runUntilStopped() throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "baton-stop"));
    Thread.currentThread().join();
  }

  /** Stops (if nobody did yet), waits for it, and closes the health endpoints. */
  @Override
  public void close() {
    try {
      stop().get(STOP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("{} did not stop cleanly: {}", name, e.toString());
    } finally {
      if (healthServer != null) {
        healthServer.close();
      }
    }
  }
}
