package io.baton.broker.saga;

import io.baton.protocol.Addresses;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.SiteInfo;
import io.baton.protocol.event.BatonEvent;
import io.baton.protocol.event.ClientRedirected;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.SourceReleased;
import io.baton.protocol.event.StateTransferred;
import io.baton.protocol.event.TargetPrepared;
import io.baton.protocol.event.TargetRestored;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handoff, run as the event chain: lock the client record, then prepare the target, freeze the
 * source, transfer the state, restore at the target (the commit point: the target swaps the record
 * to itself), redirect the client, release the source. Every event is published as it happens.
 *
 * <p>Before the commit, any failure aborts: the broker swaps the record back from "locked by this
 * handoff" to "serving at the source", and only if that swap wins does the source resume. If the
 * swap loses, the target committed (its reply was lost) and the saga finishes forward instead.
 */
public final class HandoffSaga {
  private static final Logger LOG = LoggerFactory.getLogger(HandoffSaga.class);

  private final Vertx vertx;
  private final ClientDirectory clients;
  private final DeliveryOptions stepOptions;

  public HandoffSaga(Vertx vertx, long stepTimeoutMs) {
    this.vertx = vertx;
    this.clients = new ClientDirectory(vertx);
    this.stepOptions = new DeliveryOptions().setSendTimeout(stepTimeoutMs);
  }

  /** Moves the client's instance from {@code record.site()} to {@code target}. */
  public Future<HandoffCompleted> run(ClientRecord record, SiteInfo target, String technique, String trigger) {
    HandoffRequested request = new HandoffRequested(UUID.randomUUID().toString(), record.clientId(),
        record.instanceId(), record.serviceKind(), record.site(), target.siteId(), record.epoch(), technique, trigger,
        System.currentTimeMillis());
    Run run = new Run(request, record.lockedBy(request.handoffId()), target);
    return clients.swap(record, run.locked)
        .compose(locked -> locked ? Future.succeededFuture() : Future.failedFuture(
            new IllegalStateException("client " + record.clientId() + " changed before the handoff could lock it")))
        .compose(v -> run.execute());
  }

  /** The state of one saga run: the steps' replies and the clock readings for the metrics. */
  private final class Run {
    final HandoffRequested request;
    final ClientRecord locked;
    final SiteInfo target;
    final long startNanos = System.nanoTime();
    long freezeNanos;
    long restoredNanos;
    StateTransferred transferred;

    Run(HandoffRequested request, ClientRecord locked, SiteInfo target) {
      this.request = request;
      this.locked = locked;
      this.target = target;
    }

    Future<HandoffCompleted> execute() {
      publish(Addresses.HANDOFF_REQUESTED, request);
      return this.<TargetPrepared>step("prepare", AgentCommand.PREPARE.address(request.targetSite()), request)
          .compose(prepared -> {
            publish(Addresses.TARGET_PREPARED, prepared);
            freezeNanos = System.nanoTime();
            return this.<SourceFrozen>step("freeze", AgentCommand.FREEZE.address(request.sourceSite()), request)
                .map(frozen -> {
                  publish(Addresses.SOURCE_FROZEN, frozen);
                  return prepared;
                });
          })
          .compose(prepared -> this.<StateTransferred>step("transfer", AgentCommand.TRANSFER.address(request.sourceSite()), prepared))
          .compose(sent -> {
            transferred = sent;
            publish(Addresses.STATE_TRANSFERRED, sent);
            return this.<TargetRestored>step("restore", AgentCommand.RESTORE.address(request.targetSite()), sent);
          })
          .compose(restored -> {
            restoredNanos = System.nanoTime();
            publish(Addresses.TARGET_RESTORED, restored);
            return finishCommitted();
          }, failure -> abortOrFinish(failure instanceof StepFailure step ? step : new StepFailure("saga", failure)));
    }

    /** Past the commit point: the target serves. Redirect, release, report; never abort. */
    Future<HandoffCompleted> finishCommitted() {
      if (restoredNanos == 0) {
        restoredNanos = System.nanoTime();
      }
      ClientRedirected redirected = new ClientRedirected(request.handoffId(), request.clientId(), target.siteId(),
          target.coapEndpoint(), request.epoch() + 1);
      publish(Addresses.CLIENT_REDIRECTED, redirected);
      return this.<SourceReleased>step("release", AgentCommand.RELEASE.address(request.sourceSite()), redirected)
          .onSuccess(released -> publish(Addresses.SOURCE_RELEASED, released))
          .onFailure(failure -> LOG.warn("handoff {}: source {} keeps a frozen copy: {}", request.handoffId(),
              request.sourceSite(), failure.getMessage()))
          .transform(ignored -> {
            HandoffCompleted completed = new HandoffCompleted(request.handoffId(), request.clientId(),
                request.sourceSite(), request.targetSite(), request.epoch() + 1, request.technique(),
                millis(restoredNanos - startNanos), freezeNanos == 0 ? 0 : millis(restoredNanos - freezeNanos),
                transferred == null ? 0 : transferred.bytesSent(), false);
            publish(Addresses.HANDOFF_COMPLETED, completed);
            return Future.succeededFuture(completed);
          });
    }

    Future<HandoffCompleted> abortOrFinish(StepFailure failure) {
      return clients.swap(locked, locked.serving()).compose(reclaimed -> {
        if (reclaimed) {
          return compensate(failure);
        }
        return clients.find(request.clientId()).compose(current -> {
          if (current.isPresent() && current.get().equals(locked.movedTo(request.targetSite()))) {
            LOG.info("handoff {}: {} failed but the target had committed; finishing", request.handoffId(), failure.step());
            return finishCommitted();
          }
          return Future.failedFuture(abort(failure, "none: the client record is "
              + current.map(ClientRecord::encode).orElse("gone")));
        });
      });
    }

    /** The record is back at the source: drop the target's copy, then let the source serve again. */
    Future<HandoffCompleted> compensate(StepFailure failure) {
      HandoffAborted aborted = new HandoffAborted(request.handoffId(), request.clientId(), request.instanceId(),
          request.sourceSite(), request.targetSite(), request.epoch(), failure.step(), failure.getMessage(), "");
      Future<Message<Object>> target = vertx.eventBus().request(AgentCommand.ABORT.address(request.targetSite()), aborted, stepOptions);
      return target.transform(ignored -> vertx.eventBus().request(AgentCommand.ABORT.address(request.sourceSite()), aborted, stepOptions))
          .transform(resumed -> Future.failedFuture(abort(failure, resumed.succeeded()
              ? "source " + request.sourceSite() + " serves again under epoch " + request.epoch()
              : "source " + request.sourceSite() + " could not resume: " + resumed.cause().getMessage())));
    }

    HandoffAbortedException abort(StepFailure failure, String compensation) {
      HandoffAborted aborted = new HandoffAborted(request.handoffId(), request.clientId(), request.instanceId(),
          request.sourceSite(), request.targetSite(), request.epoch(), failure.step(), failure.getMessage(), compensation);
      publish(Addresses.HANDOFF_ABORTED, aborted);
      return new HandoffAbortedException(aborted);
    }

    <R> Future<R> step(String name, String address, BatonEvent command) {
      return vertx.eventBus().<R>request(address, command, stepOptions)
          .map(Message::body)
          .recover(cause -> Future.failedFuture(new StepFailure(name, cause)));
    }

    void publish(String address, BatonEvent event) {
      vertx.eventBus().publish(address, event);
    }
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
