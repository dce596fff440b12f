package io.baton.agent.runtime;

import io.baton.agent.transfer.TransferPlane;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * One runtime started at one site by its {@link RuntimeProvider}: the instances' lifecycle and the
 * way their state crosses in the broker's handoff saga, which the agent builds over its transfer
 * plane once that is up.
 */
public interface SiteRuntime {

  ServiceRuntime lifecycle();

  /**
   * Called once, while the agent starts, before the plane listens: the strategy binds the services
   * that move its instances' state on the plane's server.
   */
  Future<HandoffStrategy> handoffStrategy(TransferPlane plane);

  /** Releases what the runtime holds beyond the agent (engine connections, endpoints). */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }

  /** {@code lifecycle}'s instances, moved by the strategy {@code strategy} builds over the plane. */
  static SiteRuntime of(ServiceRuntime lifecycle, Function<TransferPlane, Future<HandoffStrategy>> strategy) {
    return new SiteRuntime() {
      @Override
      public ServiceRuntime lifecycle() {
        return lifecycle;
      }

      @Override
      public Future<HandoffStrategy> handoffStrategy(TransferPlane plane) {
        return strategy.apply(plane);
      }
    };
  }
}
