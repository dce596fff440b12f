package io.baton.agent.runtime;

import io.baton.agent.transfer.TransferPlane;
import io.vertx.core.Future;

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
}
