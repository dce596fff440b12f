package io.baton.agent.runtime;

import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs service instances at one site. An instance moves STAGED -> LIVE -> FROZEN and then either
 * back to LIVE (the handoff aborted) or away (released). Its state is an {@link InstanceImage}:
 * paged memory plus execution state, which is what every migration technique moves.
 * Implementations: embedded (Java services over paged memory) and Docker+CRIU containers.
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

  /** Stops a LIVE instance from serving; its image stays readable. */
  Future<Void> freeze(String instanceId);

  /** Lets a FROZEN instance serve again, under {@code epoch} (the handoff that froze it failed). */
  Future<Void> resume(String instanceId, long epoch);

  /** The instance's memory (live, not a copy) and its execution state captured now. */
  Future<InstanceImage> image(String instanceId);

  /**
   * Rebuilds an instance from a memory (complete, or filling in as pages arrive) and an execution
   * state, STAGED: it does not serve until {@link #activate}. A corrupt execution state is refused
   * with {@link CorruptSnapshotException} and nothing is staged.
   */
  Future<Void> stage(InstanceSpec spec, PagedMemory memory, byte[] executionState);

  /** Lets a STAGED instance serve. Call only once the fence (the client directory) names this site. */
  Future<Void> activate(String instanceId);

  /** Forgets an instance that is not LIVE. Absent is fine. */
  Future<Void> discard(String instanceId);

  Optional<InstanceState> state(String instanceId);

  /** Observes every state change, for metrics and for checking the one-live-instance rule. */
  void onTransition(Consumer<InstanceTransition> listener);

  /**
   * How this runtime's instances take part in the broker's handoff saga at this site. {@code
   * pagedMemory} is the site's paged-memory machinery (seed 000's techniques over the transfer
   * plane): a runtime whose state is a {@link PagedMemory} answers with it, others with their own.
   */
  HandoffStrategy handoffStrategy(HandoffStrategy pagedMemory);
}
