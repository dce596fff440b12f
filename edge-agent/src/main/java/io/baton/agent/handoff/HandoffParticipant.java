package io.baton.agent.handoff;

import io.baton.agent.AgentConfig;
import io.baton.agent.Failures;
import io.baton.agent.clients.ServiceCallRouter;
import io.baton.agent.runtime.FencedException;
import io.baton.agent.runtime.HandoffStrategy;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.TargetCopyLostException;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.event.ClientRedirected;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.SourceReleased;
import io.baton.protocol.event.StateTransferred;
import io.baton.protocol.event.TargetRestored;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * This site's part in the handoff saga. Each command is an event of the chain and each reply is
 * the next one, so the broker composes a handoff from plain request/reply steps. The fence is
 * checked here, where the instance lives: a source freezes only for the handoff that locked the
 * client, a target serves only after it swapped the client record to itself, and a source resumes
 * only if the record is back in its hands. What each step moves is the runtime's
 * {@link HandoffStrategy}: paged memory for embedded services, checkpoints for containers.
 */
public final class HandoffParticipant {
  private static final int FENCED = 409;

  private final Vertx vertx;
  private final AgentConfig config;
  private final ServiceRuntime runtime;
  private final HandoffStrategy steps;
  private final ServiceCallRouter router;
  private final ClientDirectory clients;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final CommandMemo memo = new CommandMemo();
  /** Handoffs aborted here before their freeze ran: bounded, the oldest forgotten first. */
  private final Map<String, Boolean> abortedBeforeFreeze = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 4_096;
    }
  };

  public HandoffParticipant(Vertx vertx, AgentConfig config, ServiceRuntime runtime, HandoffStrategy steps,
      ServiceCallRouter router) {
    this.vertx = vertx;
    this.config = config;
    this.runtime = runtime;
    this.steps = steps;
    this.router = router;
    this.clients = new ClientDirectory(vertx);
  }

  public Future<Void> register() {
    consume(AgentCommand.PREPARE, steps::prepare);
    consume(AgentCommand.ASSESS, steps::assess);
    consume(AgentCommand.PRECOPY, steps::precopy);
    // The commands a broker taking a handoff over may send again: each runs once per handoff id.
    consume(AgentCommand.FREEZE, (HandoffRequested request) -> memo.once("freeze", request.handoffId(), () -> freeze(request)));
    consume(AgentCommand.TRANSFER, steps::transfer);
    consume(AgentCommand.RESTORE, (StateTransferred sent) -> memo.once("restore", sent.handoffId(), () -> restore(sent)));
    consume(AgentCommand.AWAIT_PAGES, (HandoffRequested request) -> memo.settled("await-pages", request.handoffId(),
        () -> steps.awaitPages(request.handoffId())));
    consume(AgentCommand.RELEASE, (ClientRedirected redirected) -> memo.once("release", redirected.handoffId(),
        () -> release(redirected)));
    consume(AgentCommand.ABORT, this::abort);
    consume(AgentCommand.CALL, router::executeForwarded);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> unregister() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private <C, R> void consume(AgentCommand command, Function<C, Future<R>> step) {
    consumers.add(vertx.eventBus().<C>consumer(command.address(config.siteId()), (Message<C> message) -> {
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
    if (failure instanceof TargetCopyLostException) {
      return AgentCommand.TARGET_COPY_LOST;
    }
    return failure instanceof FencedException ? FENCED : Failures.status(failure);
  }

  private Future<SourceFrozen> freeze(HandoffRequested request) {
    return requireRecord(lockedRecord(request)).compose(v -> {
      if (abortedBeforeFreeze.containsKey(request.handoffId())) {
        // The record read above predates the broker's abort, which this site has already answered.
        return Future.failedFuture(new FencedException("handoff " + request.handoffId() + " was aborted before its freeze ran"));
      }
      return steps.freeze(request);
    });
  }

  private Future<TargetRestored> restore(StateTransferred transferred) {
    HandoffRequested request = steps.targetRequest(transferred.handoffId()).orElse(null);
    if (request == null) {
      return Future.failedFuture("handoff " + transferred.handoffId() + " was not prepared at " + config.siteId());
    }
    ClientRecord locked = lockedRecord(request);
    long epoch = request.epoch() + 1;
    return steps.restore(request.handoffId(), transferred.sha256(), epoch, () -> clients.swap(locked, locked.movedTo(config.siteId())))
        .map(micros -> new TargetRestored(request.handoffId(), config.siteId(), epoch, micros));
  }

  private Future<SourceReleased> release(ClientRedirected redirected) {
    HandoffRequested request = steps.sourceRequest(redirected.handoffId()).orElse(null);
    if (request == null) {
      // Already released: the step is idempotent so a retried release is harmless.
      return Future.succeededFuture(new SourceReleased(redirected.handoffId(), config.siteId()));
    }
    return runtime.discard(request.instanceId()).map(v -> {
      steps.closeSource(request.handoffId());
      return new SourceReleased(request.handoffId(), config.siteId());
    });
  }

  /**
   * Compensation. The target drops whatever it staged; the source resumes, but only if the
   * directory says the client is back in its hands under the epoch the abort names (the old one,
   * or a new one when a post-copy target was lost after it had served).
   */
  private Future<JsonObject> abort(HandoffAborted aborted) {
    if (!aborted.sourceSite().equals(config.siteId())) {
      return steps.discardTarget(aborted.handoffId(), aborted.instanceId()).map(v -> new JsonObject().put("discarded", aborted.instanceId()));
    }
    HandoffRequested request = steps.sourceRequest(aborted.handoffId()).orElse(null);
    boolean frozen = request != null
        && runtime.state(request.instanceId()).filter(s -> s == io.baton.agent.runtime.InstanceState.FROZEN).isPresent();
    if (!frozen) {
      // Nothing frozen yet; the freeze request may still be on its way: it must find this.
      abortedBeforeFreeze.put(aborted.handoffId(), Boolean.TRUE);
      steps.closeSource(aborted.handoffId());
      return Future.succeededFuture(new JsonObject().put("resumed", false));
    }
    ClientRecord serving = new ClientRecord(request.clientId(), request.serviceKind(), request.instanceId(), config.siteId(),
        aborted.epoch(), "");
    return requireRecord(serving)
        .compose(v -> runtime.resume(request.instanceId(), aborted.epoch()))
        .map(v -> {
          steps.closeSource(aborted.handoffId());
          return new JsonObject().put("resumed", true).put("site", config.siteId()).put("epoch", aborted.epoch());
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
}
