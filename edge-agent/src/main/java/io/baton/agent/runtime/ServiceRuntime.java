package io.baton.agent.runtime;

import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The lifecycle of the service instances at one site, whatever they are made of. An instance
 * moves STAGED -> LIVE -> FROZEN and then either back to LIVE (the handoff aborted) or away
 * (released). How an instance's state crosses to another site is a separate concern, the
 * runtime's {@link HandoffStrategy}; a {@link RuntimeProvider} supplies both.
 */
public interface ServiceRuntime {

  String name();

  /** The service kinds this runtime can start, e.g. "counter", "kv". */
  Set<String> serviceKinds();

  /** Checks a kind's options (e.g. sizes) without starting anything. */
  Future<Void> validate(String serviceKind, JsonObject options);

  /** Starts a fresh instance, LIVE once started. */
  Future<Void> deploy(InstanceSpec spec);

  /** Executes one call on a LIVE instance; fails with {@link InstanceNotServingException} otherwise. */
  Future<JsonObject> call(String instanceId, ServiceCall call);

  /** Stops a LIVE instance from serving; its state stays readable. */
  Future<Void> freeze(String instanceId);

  /** Lets a FROZEN instance serve again, under {@code epoch} (the handoff that froze it failed). */
  Future<Void> resume(String instanceId, long epoch);

  /** Lets a STAGED instance serve. Call only once the fence (the client directory) names this site. */
  Future<Void> activate(String instanceId);

  /** Forgets an instance that is not LIVE. Absent is fine. */
  Future<Void> discard(String instanceId);

  /**
   * Asks a LIVE instance whether it is well, without a client call: a one-line answer from the
   * instance itself. Fails with {@link InstanceNotServingException} when it is not LIVE here.
   */
  Future<String> health(String instanceId);

  Optional<InstanceState> state(String instanceId);

  /** Observes every state change, for metrics and for checking the one-live-instance rule. */
  void onTransition(Consumer<InstanceTransition> listener);
}
