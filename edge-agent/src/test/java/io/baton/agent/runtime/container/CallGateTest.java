package io.baton.agent.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gate between an instance's calls (asynchronous, many) and its checkpoints (one at a time, alone). */
class CallGateTest {
  private final Vertx vertx = Vertx.vertx();
  private final CallGate gate = new CallGate();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aCheckpointWaitsForTheCallsInsideAndNewCallsWaitForIt() throws Exception {
    assertTrue(gate.enter(vertx).succeeded());
    assertTrue(gate.enter(vertx).succeeded());
    AtomicBoolean checkpointing = new AtomicBoolean();
    CountDownLatch checkpointStarted = new CountDownLatch(1);
    CountDownLatch finishCheckpoint = new CountDownLatch(1);
    CompletableFuture<Void> checkpoint = CompletableFuture.runAsync(() -> {
      try {
        gate.exclusive(() -> {
          checkpointing.set(true);
          checkpointStarted.countDown();
          finishCheckpoint.await();
          checkpointing.set(false);
          return null;
        });
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(200);
    assertFalse(checkpointing.get(), "the checkpoint waits while two calls are inside");
    // The gate is closing: a new call waits too, though calls are still inside.
    Future<Void> late = gate.enter(vertx);
    gate.leave();
    Thread.sleep(100);
    assertFalse(checkpointing.get(), "one call is still inside");
    assertFalse(late.isComplete());
    gate.leave();
    assertTrue(checkpointStarted.await(5, TimeUnit.SECONDS), "the last call left: the checkpoint runs");
    Thread.sleep(100);
    assertFalse(late.isComplete(), "no call enters during the checkpoint");
    finishCheckpoint.countDown();
    checkpoint.get(5, TimeUnit.SECONDS);
    late.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(1, gate.inside(), "the waiting call was admitted after the checkpoint");
    gate.leave();
    assertEquals(0, gate.inside());
  }

  @Test
  void checkpointsRunOneAtATime() throws Exception {
    AtomicBoolean running = new AtomicBoolean();
    AtomicBoolean overlapped = new AtomicBoolean();
    CompletableFuture<?>[] checkpoints = new CompletableFuture<?>[4];
    for (int i = 0; i < checkpoints.length; i++) {
      checkpoints[i] = CompletableFuture.runAsync(() -> {
        try {
          gate.exclusive(() -> {
            overlapped.compareAndSet(false, !running.compareAndSet(false, true));
            Thread.sleep(50);
            running.set(false);
            return null;
          });
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }
    CompletableFuture.allOf(checkpoints).get(10, TimeUnit.SECONDS);
    assertFalse(overlapped.get());
    assertTrue(gate.enter(vertx).succeeded(), "open again after the checkpoints");
  }
}
