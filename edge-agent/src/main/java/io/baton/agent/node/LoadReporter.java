package io.baton.agent.node;

import io.baton.protocol.Addresses;
import io.baton.protocol.event.NodeLoad;
import io.vertx.core.Vertx;

/** Publishes this site's {@link NodeLoad} every {@code periodMs} (5 s, as seed 001's agents do). */
public final class LoadReporter {
  public static final long DEFAULT_PERIOD_MS = 5_000;

  private final Vertx vertx;
  private final String node;
  private final LoadReader reader = new LoadReader();
  private long timer = -1;

  public LoadReporter(Vertx vertx, String node) {
    this.vertx = vertx;
    this.node = node;
  }

  public void start(long periodMs) {
    report();
    timer = vertx.setPeriodic(periodMs, id -> report());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void report() {
    vertx.executeBlocking(() -> new NodeLoad(node, reader.cpuPercent(), reader.ramPercent(),
            reader.gpuPercent().orElse(-1), reader.cores(), reader.ramTotalBytes(), System.currentTimeMillis()), false)
        .onSuccess(load -> vertx.eventBus().publish(Addresses.NODE_LOAD, load));
  }
}
