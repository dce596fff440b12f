package io.baton.agent.runtime;

import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs service instances at one site. An instance moves STAGED -> LIVE -> FROZEN and then either
 * back to LIVE (the handoff aborted) or away (released). Implementations: embedded (Java services
 * over an in-process state), and later Docker+CRIU. All methods are called on the agent's context.
 */
public interface ServiceRuntime {

  String name();

  /** The service kinds this runtime can start, e.g. "counter", "kv". */
  Set<String> serviceKinds();

  /** Starts a fresh instance, LIVE at once. */
  Future<Void> deploy(InstanceSpec spec);

  /** Executes one call on a LIVE instance; fails with {@link InstanceNotServingException} otherwise. */
  Future<JsonObject> call(String instanceId, ServiceCall call);

  /** Stops a LIVE instance from serving and captures its whole state. */
  Future<Snapshot> freeze(String instanceId);

  /** Lets a FROZEN instance serve again: the handoff that froze it was aborted. */
  Future<Void> resume(String instanceId);

  /** Rebuilds an instance from a snapshot, STAGED: it does not serve until {@link #activate}. */
  Future<Void> stage(InstanceSpec spec, Snapshot snapshot);

  /** Lets a STAGED instance serve. Call only once the fence (the client directory) names this site. */
  Future<Void> activate(String instanceId);

  /** Forgets an instance that is STAGED or FROZEN; a LIVE instance is refused. Absent is fine. */
  Future<Void> discard(String instanceId);

  Optional<InstanceState> state(String instanceId);

  /** Observes every state change, for metrics and for checking the one-live-instance rule. */
  void onTransition(Consumer<InstanceTransition> listener);
}
