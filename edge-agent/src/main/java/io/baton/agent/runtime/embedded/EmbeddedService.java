package io.baton.agent.runtime.embedded;

import io.vertx.core.json.JsonObject;

/**
 * A service that runs inside the agent's JVM. Its whole state must round-trip through {@link
 * #exportState()} and {@link #importState(byte[])}: that is what a migration moves.
 */
public interface EmbeddedService {

  /** Executes one request; throws {@link io.baton.agent.runtime.ServiceException} for a bad one. */
  JsonObject handle(JsonObject request);

  byte[] exportState();

  void importState(byte[] state);
}
