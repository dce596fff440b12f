package io.baton.protocol.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real event loop blocked past its limit is reported once per episode, and counted. */
class StallWatchdogTest {
  @Test
  void aBlockedEventLoopIsReportedOnceAndCounted() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(100)
        .setMaxEventLoopExecuteTime(300).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    try (StallWatchdog watchdog = StallWatchdog.watch(vertx, "test-member")) {
      int before = StallWatchdog.reports().size();
      long stallsBefore = StallWatchdog.stalls();
      CountDownLatch done = new CountDownLatch(1);
      vertx.runOnContext(v -> {
        try {
          Thread.sleep(1_500); // five check intervals past the limit: one episode
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        done.countDown();
      });
      assertTrue(done.await(10, TimeUnit.SECONDS));
      Thread.sleep(300);
      List<String> reports = StallWatchdog.reports();
      assertEquals(before + 1, reports.size(), "one report for one blocking episode: " + reports);
      assertTrue(reports.get(reports.size() - 1).contains("of test-member has been blocked for"), reports.toString());
      assertEquals(stallsBefore + 1, StallWatchdog.stalls());
      assertTrue(StallWatchdog.exposition().contains("baton_stalls_total{kind=\"blocked_thread\"} " + StallWatchdog.stalls()),
          StallWatchdog.exposition());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
