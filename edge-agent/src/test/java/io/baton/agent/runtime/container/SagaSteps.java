package io.baton.agent.runtime.container;

import io.baton.agent.runtime.HandoffStrategy;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.container.ContainerRuntime.ContainerInstance;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.StatePrecopied;
import io.baton.protocol.event.StateTransferred;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One container handoff through the docker runtime's saga steps ({@link ContainerSagaHandoff}), in the
 * order the broker's saga asks for them and with the compensation its abort makes the two agents
 * run: prepare at the target; pre-copy, freeze and transfer at the source; restore at the target
 * (its commit granted: there is no client directory here); release at the source. A failure
 * discards the target's copy and resumes the source from its final checkpoint. The fence, the
 * journal and the redirect are the broker's, and are tested with it in deploy (DockerSagaTest).
 */
final class SagaSteps {
  private static final AtomicInteger HANDOFFS = new AtomicInteger();

  private SagaSteps() {
  }

  /** What the steps reported; {@code failure} is null when the target serves. */
  record Outcome(StatePrecopied precopied, SourceFrozen frozen, StateTransferred transferred, String failure) {
    boolean restored() {
      return failure == null;
    }

    /** The final checkpoint's size. */
    long checkpointBytes() {
      return frozen == null ? 0 : frozen.snapshotBytes();
    }

    /** What crossed after the freeze. */
    long finalBytes() {
      return transferred == null ? 0 : transferred.bytesSent();
    }
  }

  /** A broker's request to hand {@code instanceId} from one site to the other. */
  static HandoffRequested request(ContainerSite from, ContainerSite to, String instanceId, String technique) {
    ContainerInstance instance = from.runtime().instance(instanceId).orElseThrow();
    return new HandoffRequested("h-" + HANDOFFS.incrementAndGet(), instance.spec().clientId(), instanceId,
        ContainerProfile.KIND, from.siteId(), to.siteId(), instance.spec().epoch(), technique, "test", System.currentTimeMillis());
  }

  static Future<Outcome> handOff(ContainerSite from, ContainerSite to, String instanceId, String technique) {
    return handOff(from, to, instanceId, technique, () -> { });
  }

  /** As above, with {@code beforeFreeze} run (on a worker) once the pre-copy step has ended. */
  static Future<Outcome> handOff(ContainerSite from, ContainerSite to, String instanceId, String technique,
      Runnable beforeFreeze) {
    HandoffRequested request = request(from, to, instanceId, technique);
    HandoffStrategy source = from.sagaHandoff();
    HandoffStrategy target = to.sagaHandoff();
    StatePrecopied[] precopied = new StatePrecopied[1];
    SourceFrozen[] frozen = new SourceFrozen[1];
    StateTransferred[] transferred = new StateTransferred[1];
    return announce(from, to)
        .compose(v -> target.prepare(request))
        .compose(v -> source.precopy(request))
        .compose(p -> {
          precopied[0] = p;
          return from.runtime().vertx().executeBlocking(() -> {
            beforeFreeze.run();
            return null;
          }, false);
        })
        .compose(v -> source.freeze(request))
        .compose(f -> {
          frozen[0] = f;
          return source.transfer(request);
        })
        .compose(t -> {
          transferred[0] = t;
          return target.restore(request.handoffId(), t.sha256(), request.epoch() + 1, () -> Future.succeededFuture(true));
        })
        .compose(micros -> target.awaitPages(request.handoffId()))
        .compose(pages -> from.runtime().discard(instanceId))
        .map(v -> new Outcome(precopied[0], frozen[0], transferred[0], null))
        .recover(failure -> target.discardTarget(request.handoffId(), instanceId).otherwiseEmpty()
            .compose(v -> from.runtime().state(instanceId).filter(s -> s == InstanceState.FROZEN).isPresent()
                ? from.runtime().resume(instanceId, request.epoch()) : Future.succeededFuture())
            .map(v -> new Outcome(precopied[0], frozen[0], transferred[0], String.valueOf(failure.getMessage()))))
        .andThen(done -> source.closeSource(request.handoffId()));
  }

  /** Where the source finds the target's docker endpoint, as ContainerControl announces it in a mesh. */
  private static Future<Void> announce(ContainerSite from, ContainerSite to) {
    return from.runtime().vertx().sharedData().<String, JsonObject>getAsyncMap(ContainerControl.SITES_MAP)
        .compose(map -> map.put(to.siteId(), new JsonObject().put("host", to.host()).put("port", to.port())));
  }
}
