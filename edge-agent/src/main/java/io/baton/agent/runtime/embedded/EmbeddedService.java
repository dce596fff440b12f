package io.baton.agent.runtime.embedded;

import io.vertx.core.json.JsonObject;

/**
 * A service that runs inside the agent's JVM and keeps all of its state in the {@link
 * io.baton.agent.runtime.memory.PagedMemory} it was created over: that memory is what a migration
 * moves, so a service must not hold state anywhere else (caches rebuilt from memory are fine).
 */
public interface EmbeddedService {

  /** Executes one request; throws {@link io.baton.agent.runtime.ServiceException} for a bad one. */
  JsonObject handle(JsonObject request);
}
