package io.baton.agent.runtime;

import io.vertx.core.Future;

/**
 * One runtime started at one site by its {@link RuntimeProvider}: the instances' lifecycle and the
 * way their state crosses in the broker's handoff saga, which the agent builds over its transfer
 * plane once that is up.
 */
public interface SiteRuntime {

  ServiceRuntime lifecycle();

  /** Called once, while the agent starts. */
  HandoffStrategy handoffStrategy(TransferPlane plane);

  /** Releases what the runtime holds beyond the agent (engine connections, endpoints). */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }
}
