package io.baton.agent.handoff;

import io.baton.agent.AgentConfig;
import io.baton.agent.Failures;
import io.baton.agent.clients.ServiceCallRouter;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.Snapshot;
import io.baton.agent.transfer.StateSender;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.event.ClientRedirected;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.SourceReleased;
import io.baton.protocol.event.StateTransferred;
import io.baton.protocol.event.TargetPrepared;
import io.baton.protocol.event.TargetRestored;
import io.baton.protocol.grpc.TransferHeader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * This site's part in the handoff saga. Each command is the previous event of the chain and each
 * reply is the next one, so the broker composes a handoff from plain request/reply steps. The
 * fence is checked here, where the instance lives: a source freezes only for the handoff that
 * locked the client, and a target serves only after it swapped the client record to itself.
 */
public final class HandoffParticipant {
  private static final int FENCED = 409;

  private final Vertx vertx;
  private final AgentConfig config;
  private final ServiceRuntime runtime;
  private final HandoffLedger ledger;
  private final StateSender sender;
  private final ServiceCallRouter router;
  private final ClientDirectory clients;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public HandoffParticipant(Vertx vertx, AgentConfig config, ServiceRuntime runtime, HandoffLedger ledger,
      StateSender sender, ServiceCallRouter router) {
    this.vertx = vertx;
    this.config = config;
    this.runtime = runtime;
    this.ledger = ledger;
    this.sender = sender;
    this.router = router;
    this.clients = new ClientDirectory(vertx);
  }

  public Future<Void> register() {
    consume(AgentCommand.PREPARE, this::prepare);
    consume(AgentCommand.FREEZE, this::freeze);
    consume(AgentCommand.TRANSFER, this::transfer);
    consume(AgentCommand.RESTORE, this::restore);
    consume(AgentCommand.RELEASE, this::release);
    consume(AgentCommand.ABORT, this::abort);
    consume(AgentCommand.CALL, router::executeForwarded);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> unregister() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private <C, R> void consume(AgentCommand command, Function<C, Future<R>> step) {
    EventBus bus = vertx.eventBus();
    consumers.add(bus.<C>consumer(command.address(config.siteId()), (Message<C> message) -> {
      Future<R> reply;
      try {
        reply = step.apply(message.body());
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(message::reply, failure -> message.fail(statusOf(failure), Failures.reason(failure)));
    }));
  }

  private static int statusOf(Throwable failure) {
    return failure instanceof FencedException ? FENCED : Failures.status(failure);
  }

  private Future<TargetPrepared> prepare(HandoffRequested request) {
    if (!runtime.serviceKinds().contains(request.serviceKind())) {
      return Future.failedFuture("site " + config.siteId() + " cannot run '" + request.serviceKind() + "'");
    }
    if (runtime.state(request.instanceId()).isPresent()) {
      return Future.failedFuture("instance " + request.instanceId() + " already exists at " + config.siteId());
    }
    ledger.prepared(request);
    return Future.succeededFuture(new TargetPrepared(request.handoffId(), config.siteId(), config.host(), config.transferPort()));
  }

  private Future<SourceFrozen> freeze(HandoffRequested request) {
    return requireRecord(lockedRecord(request)).compose(v -> {
      if (ledger.wasAbortedBeforeFreeze(request.handoffId())) {
        // The record read above predates the broker's abort, which this site has already answered.
        return Future.failedFuture(new FencedException("handoff " + request.handoffId() + " was aborted before its freeze ran"));
      }
      long start = System.nanoTime();
      return runtime.freeze(request.instanceId()).map(snapshot -> {
        ledger.frozen(request, snapshot);
        return new SourceFrozen(request.handoffId(), config.siteId(), snapshot.bytes().length, (System.nanoTime() - start) / 1_000);
      });
    });
  }

  private Future<StateTransferred> transfer(TargetPrepared target) {
    HandoffLedger.Frozen frozen = ledger.frozenFor(target.handoffId()).orElse(null);
    if (frozen == null) {
      return Future.failedFuture("no frozen instance for handoff " + target.handoffId() + " at " + config.siteId());
    }
    HandoffRequested request = frozen.request();
    Snapshot snapshot = frozen.snapshot();
    TransferHeader header = TransferHeader.newBuilder()
        .setHandoffId(request.handoffId())
        .setInstanceId(request.instanceId())
        .setServiceKind(request.serviceKind())
        .setEpoch(request.epoch())
        .setSourceSite(config.siteId())
        .build();
    long start = System.nanoTime();
    return sender.send(target.transferHost(), target.transferPort(), header, snapshot)
        .map(receipt -> new StateTransferred(request.handoffId(), target.targetSite(), receipt.getBytesReceived(),
            receipt.getSha256(), (System.nanoTime() - start) / 1_000));
  }

  private Future<TargetRestored> restore(StateTransferred transferred) {
    HandoffRequested request = ledger.preparedFor(transferred.handoffId()).orElse(null);
    if (request == null) {
      return Future.failedFuture("handoff " + transferred.handoffId() + " was not prepared at " + config.siteId());
    }
    var snapshot = ledger.receivedFor(transferred.handoffId()).orElse(null);
    if (snapshot == null || !snapshot.sha256().equals(transferred.sha256())) {
      return Future.failedFuture("no verified snapshot for handoff " + transferred.handoffId() + " at " + config.siteId());
    }
    long start = System.nanoTime();
    InstanceSpec spec = new InstanceSpec(request.instanceId(), request.clientId(), request.serviceKind(), request.epoch() + 1);
    ClientRecord locked = lockedRecord(request);
    return runtime.stage(spec, snapshot)
        .compose(v -> clients.swap(locked, locked.movedTo(config.siteId())))
        .compose(committed -> {
          if (!committed) {
            return runtime.discard(spec.instanceId()).compose(v -> Future.failedFuture(
                new FencedException("handoff " + request.handoffId() + " no longer holds client " + request.clientId())));
          }
          return runtime.activate(spec.instanceId());
        })
        .map(v -> {
          ledger.forget(request.handoffId());
          return new TargetRestored(request.handoffId(), config.siteId(), spec.epoch(), (System.nanoTime() - start) / 1_000);
        });
  }

  private Future<SourceReleased> release(ClientRedirected redirected) {
    HandoffRequested request = ledger.frozenFor(redirected.handoffId()).map(HandoffLedger.Frozen::request).orElse(null);
    if (request == null) {
      // Already released: the step is idempotent so a retried release is harmless.
      return Future.succeededFuture(new SourceReleased(redirected.handoffId(), config.siteId()));
    }
    return runtime.discard(request.instanceId()).map(v -> {
      ledger.forget(request.handoffId());
      return new SourceReleased(request.handoffId(), config.siteId());
    });
  }

  /**
   * Compensation. The target drops whatever it staged; the source resumes, but only if the
   * directory says the client is back in its hands under the same epoch.
   */
  private Future<JsonObject> abort(HandoffAborted aborted) {
    String handoffId = aborted.handoffId();
    if (!aborted.sourceSite().equals(config.siteId())) {
      ledger.forget(handoffId);
      return runtime.discard(aborted.instanceId()).map(v -> new JsonObject().put("discarded", aborted.instanceId()));
    }
    HandoffRequested request = ledger.frozenFor(handoffId).map(HandoffLedger.Frozen::request).orElse(null);
    if (request == null) {
      // Nothing frozen yet; the freeze request may still be on its way: it must find this.
      ledger.abortedBeforeFreeze(handoffId);
      return Future.succeededFuture(new JsonObject().put("resumed", false));
    }
    ClientRecord serving = lockedRecord(request).serving();
    return requireRecord(serving)
        .compose(v -> runtime.resume(request.instanceId()))
        .map(v -> {
          ledger.forget(handoffId);
          return new JsonObject().put("resumed", true).put("site", config.siteId()).put("epoch", request.epoch());
        });
  }

  private static ClientRecord lockedRecord(HandoffRequested request) {
    return new ClientRecord(request.clientId(), request.serviceKind(), request.instanceId(), request.sourceSite(),
        request.epoch(), request.handoffId());
  }

  private Future<Void> requireRecord(ClientRecord expected) {
    return clients.find(expected.clientId()).compose(current -> current.isPresent() && current.get().equals(expected)
        ? Future.succeededFuture()
        : Future.failedFuture(new FencedException("client " + expected.clientId() + " is "
            + current.map(ClientRecord::encode).orElse("not registered") + ", expected " + expected.encode())));
  }

  /** The client directory does not say what this step needs: another handoff or epoch owns it. */
  static final class FencedException extends RuntimeException {
    FencedException(String message) {
      super(message, null, false, false);
    }
  }
}
