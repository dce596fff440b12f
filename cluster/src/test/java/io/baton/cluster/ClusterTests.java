package io.baton.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the cluster tests ask of their members: how many nodes one sees, and waiting for a condition. */
final class ClusterTests {
  private ClusterTests() {
  }

  static int nodes(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager().getNodes().size();
  }

  /** Polls {@code condition} for up to 10 s; its last answer. */
  static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return condition.getAsBoolean();
  }

  static <T> T join(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }
}
