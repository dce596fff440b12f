package io.baton.agent.runtime;

import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.MigrationAssessed;
import io.baton.protocol.event.PagesCompleted;
import io.baton.protocol.event.PrestageCancelled;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.Prestaged;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.StatePrecopied;
import io.baton.protocol.event.StateTransferred;
import io.baton.protocol.event.TargetPrepared;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How one runtime's instances move through the broker's handoff saga at this site, in both roles.
 * The saga is one shape for every runtime (prepare, pre-copy, freeze, transfer, restore, await,
 * release); what each step moves is the runtime's business: paged memory over the transfer plane
 * for the embedded runtime, image layers, writable layer and CRIU checkpoints for Docker. The
 * agent's {@code HandoffParticipant} checks the fence and runs these steps; each
 * {@link ServiceRuntime} names its strategy.
 */
public interface HandoffStrategy {

  // Source role: the site the instance runs at.

  /** Measures what the broker's adaptive choice needs. */
  Future<MigrationAssessed> assess(HandoffRequested request);

  /** Everything that can cross while the service still runs. */
  Future<StatePrecopied> precopy(HandoffRequested request);

  /** Stops the instance and captures its final state. The caller has checked the fence. */
  Future<SourceFrozen> freeze(HandoffRequested request);

  /** Sends what the final state adds to what the target already holds. */
  Future<StateTransferred> transfer(HandoffRequested request);

  /** The handoff this site is the source of, if it is. */
  Optional<HandoffRequested> sourceRequest(String handoffId);

  /** Forgets a handoff this site was the source of (released or aborted). */
  void closeSource(String handoffId);

  // Target role.

  /** Opens the target's side of a handoff. */
  Future<TargetPrepared> prepare(HandoffRequested request);

  /** The handoff this site is the target of, if it is. */
  Optional<HandoffRequested> targetRequest(String handoffId);

  /**
   * Makes the instance ready from the state whose digest the source reported, runs {@code commit}
   * (the fence: the client record swapped to this site) and lets it serve only if the commit won.
   * Returns the microseconds it took.
   */
  Future<Long> restore(String handoffId, String stateDigest, long epoch, Supplier<Future<Boolean>> commit);

  /** Completes once the target holds all of the instance's state. */
  Future<PagesCompleted> awaitPages(String handoffId);

  /** Compensation at the target: drops whatever was staged for the handoff. */
  Future<Void> discardTarget(String handoffId, String instanceId);

  // Pre-staging, ahead of any handoff (the predictor's PrestageRequested, at the source).

  /** Sends the instance's state to the predicted site while it keeps running here. */
  Future<Prestaged> prestage(PrestageRequested request);

  /** Target role: the source is about to pre-stage {@code request}'s instance here. */
  Future<Void> openPrestage(PrestageRequested request);

  /** Target role: the source reports a pre-stage to this site complete. */
  void prestageCompleted(Prestaged done);

  /** Every site hears every cancellation; the one holding (or owning) the staged copy drops it. */
  void prestageCancelled(PrestageCancelled cancelled);
}
