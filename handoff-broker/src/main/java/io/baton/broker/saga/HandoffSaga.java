package io.baton.broker.saga;

import io.baton.broker.BrokerConfig;
import io.baton.broker.adaptive.AdaptiveObjective;
import io.baton.broker.adaptive.ContainerMigrationModel;
import io.baton.broker.adaptive.MigrationModel;
import io.baton.broker.journal.HandoffJournal;
import io.baton.broker.journal.HandoffJournal.OwnershipLostException;
import io.baton.broker.journal.JournalEntry;
import io.baton.broker.journal.StepTiming;
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
import io.baton.protocol.event.MigrationAssessed;
import io.baton.protocol.event.MigrationMetrics;
import io.baton.protocol.event.PagesCompleted;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.SourceReleased;
import io.baton.protocol.event.StatePrecopied;
import io.baton.protocol.event.StateTransferred;
import io.baton.protocol.event.TargetPrepared;
import io.baton.protocol.event.TargetRestored;
import io.baton.protocol.event.TechniqueChosen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handoff, run as the event chain: lock the client record; prepare the target; (adaptive:
 * assess the link and state, choose the technique); pre-copy while the service runs; freeze the
 * source; transfer the dump; restore at the target, the commit point (the target swaps the record
 * to itself); redirect the client; wait until the target holds every page (post-copy, hybrid);
 * release the source. Every event is published as it happens.
 *
 * <p>Before the commit, any failure aborts: the broker swaps the record back from "locked by this
 * handoff" to "serving at the source", and only if that swap wins does the source resume. After
 * the commit, a post-copy target that disappears before it holds every page is failed back to the
 * source (which still has every page) under a new epoch; a source that disappears first leaves
 * the target without part of the state, and the handoff fails loudly with that reason.
 *
 * <p>Every transition is also written to the replicated {@link HandoffJournal}, before the next
 * command goes out, as a compare-and-swap that doubles as this broker's lease on the handoff. A
 * broker that claims the entry of a broker that died {@link #resume resumes} it: the client record
 * says which side of the commit point it is on, so it finishes a committed handoff and compensates
 * any other.
 */
public final class HandoffSaga {
  private static final Logger LOG = LoggerFactory.getLogger(HandoffSaga.class);

  private final Vertx vertx;
  private final BrokerConfig config;
  private final ClientDirectory clients;
  private final DeliveryOptions controlStep;
  private final DeliveryOptions transferStep;
  private final MigrationModel model = MigrationModel.withDefaultLimits();
  private final ContainerMigrationModel containerModel = new ContainerMigrationModel();
  private final HandoffJournal journal;
  private final String ownerNode;
  private final String ownerName;

  /** {@code ownerNode}: this broker's cluster node id, its lease on the handoffs it runs; {@code ownerName}: for people. */
  public HandoffSaga(Vertx vertx, BrokerConfig config, HandoffJournal journal, String ownerNode, String ownerName) {
    this.vertx = vertx;
    this.config = config;
    this.journal = journal;
    this.ownerNode = ownerNode;
    this.ownerName = ownerName;
    this.clients = new ClientDirectory(vertx);
    this.controlStep = new DeliveryOptions().setSendTimeout(config.stepTimeoutMs());
    this.transferStep = new DeliveryOptions().setSendTimeout(config.transferTimeoutMs());
  }

  /** Moves the client's instance from {@code record.site()} to {@code target} with {@code technique}. */
  public Future<HandoffCompleted> run(ClientRecord record, SiteInfo source, SiteInfo target, String technique, String trigger) {
    HandoffRequested request = new HandoffRequested(UUID.randomUUID().toString(), record.clientId(),
        record.instanceId(), record.serviceKind(), record.site(), target.siteId(), record.epoch(), technique, trigger,
        System.currentTimeMillis());
    Run run = new Run(request, record.lockedBy(request.handoffId()), target, source.coapEndpoint());
    run.entry = JournalEntry.started(request, target, source.coapEndpoint(), ownerNode, ownerName);
    long lockStarted = System.currentTimeMillis();
    // Journaled before the lock: a record locked by a handoff the journal does not know would stay locked.
    return journal.open(run.entry).compose(written -> {
      run.written = written;
      return clients.swap(record, run.locked).compose(locked -> {
        if (!locked) {
          // Another broker got there first (every broker hears the same telemetry): this handoff never was.
          return journal.remove(request.handoffId(), written).transform(v -> Future.failedFuture(
              new IllegalStateException("client " + record.clientId() + " changed before the handoff could lock it")));
        }
        return run.finish(run.journal("lock", lockStarted).compose(v -> run.execute()));
      }, failure -> run.finish(Future.failedFuture(failure)));
    });
  }

  /**
   * Takes over a handoff whose broker left the cluster, from its journal entry (already claimed:
   * {@code written} is the claim as written). The client record tells where the saga stands: still
   * locked, so abort (or finish, if the target commits first); committed to the target, so finish;
   * back at the source, so complete the compensation.
   */
  public Future<HandoffCompleted> resume(JournalEntry claimed, String written) {
    HandoffRequested request = claimed.request();
    ClientRecord locked = new ClientRecord(request.clientId(), request.serviceKind(), request.instanceId(),
        request.sourceSite(), request.epoch(), request.handoffId());
    Run run = new Run(request, locked, claimed.target(), claimed.sourceEndpoint());
    run.entry = claimed;
    run.written = written;
    long nowMs = System.currentTimeMillis();
    run.startNanos = System.nanoTime() - (nowMs - request.requestedAtMs()) * 1_000_000;
    claimed.steps().stream().filter(s -> s.step().equals("freeze")).findFirst()
        .ifPresent(freeze -> run.freezeNanos = System.nanoTime() - (nowMs - freeze.startedAtMs()) * 1_000_000);
    StepFailure lost = new StepFailure(claimed.step(), new IllegalStateException("its broker left the cluster"));
    return run.finish(clients.find(request.clientId()).compose(current -> {
      if (current.isPresent() && current.get().equals(locked)) {
        return run.abortOrFinish(lost);
      }
      if (current.isPresent() && current.get().equals(locked.movedTo(request.targetSite()))) {
        return run.finishCommitted();
      }
      if (current.isPresent() && current.get().equals(locked.serving())) {
        return run.compensate(lost);
      }
      return Future.failedFuture(run.abort(lost, request.epoch(), "none: the client record is "
          + current.map(ClientRecord::encode).orElse("gone")));
    }));
  }

  /** The state of one saga run: the steps' replies and the clock readings for the metrics. */
  private final class Run {
    HandoffRequested request;
    final ClientRecord locked;
    final SiteInfo target;
    final String sourceEndpoint;
    long startNanos = System.nanoTime();
    JournalEntry entry;
    String written;
    long freezeNanos;
    long restoredNanos;
    long restoreStartedAtMs;
    boolean redirected;
    TargetPrepared prepared;
    StatePrecopied precopied;
    SourceFrozen frozen;
    StateTransferred transferred;
    TargetRestored restored;

    Run(HandoffRequested request, ClientRecord locked, SiteInfo target, String sourceEndpoint) {
      this.request = request;
      this.locked = locked;
      this.target = target;
      this.sourceEndpoint = sourceEndpoint;
    }

    Future<HandoffCompleted> execute() {
      publish(Addresses.HANDOFF_REQUESTED, request);
      return this.<TargetPrepared>step("prepare", AgentCommand.PREPARE.address(request.targetSite()), request, controlStep)
          .compose(ready -> {
            prepared = publish(Addresses.TARGET_PREPARED, ready);
            return request.technique().equals("adaptive") ? chooseTechnique() : Future.succeededFuture();
          })
          .compose(v -> this.<StatePrecopied>step("pre-copy", AgentCommand.PRECOPY.address(request.sourceSite()), request, transferStep))
          .compose(done -> {
            precopied = publish(Addresses.STATE_PRECOPIED, done);
            freezeNanos = System.nanoTime();
            // The freeze captures the dump (all 75 MB for cold): it moves state, so it gets the transfer timeout.
            return this.<SourceFrozen>step("freeze", AgentCommand.FREEZE.address(request.sourceSite()), request, transferStep);
          })
          .compose(done -> {
            frozen = publish(Addresses.SOURCE_FROZEN, done);
            return this.<StateTransferred>step("transfer", AgentCommand.TRANSFER.address(request.sourceSite()), request, transferStep);
          })
          .compose(sent -> {
            transferred = publish(Addresses.STATE_TRANSFERRED, sent);
            restoreStartedAtMs = System.currentTimeMillis();
            return this.<TargetRestored>ask("restore", AgentCommand.RESTORE.address(request.targetSite()), sent, controlStep);
          })
          .compose(done -> {
            restoredNanos = System.nanoTime();
            restored = publish(Addresses.TARGET_RESTORED, done);
            // The target swapped the record and serves: the client is told now, not one journal
            // write later. A broker taking over from here finds the record at the target and
            // redirects again, which the client ignores (same epoch).
            redirect();
            return journal("restore", restoreStartedAtMs)
                .recover(failure -> failure instanceof OwnershipLostException ? Future.failedFuture(failure) : Future.succeededFuture())
                .compose(v -> finishCommitted());
          }, failure -> failure instanceof OwnershipLostException
              ? Future.failedFuture(failure)
              : abortOrFinish(failure instanceof StepFailure step ? step : new StepFailure("saga", failure)));
    }

    /** Records that {@code step}, begun at {@code startedAtMs}, is done; fails if another broker owns the handoff now. */
    Future<Void> journal(String step, long startedAtMs) {
      JournalEntry next = entry.after(step, startedAtMs, request);
      return journal.advance(written, next).map(encoded -> {
        entry = next;
        written = encoded;
        return null;
      });
    }

    /** Writes the outcome to the journal, unless another broker owns the handoff now; returns the outcome. */
    Future<HandoffCompleted> finish(Future<HandoffCompleted> outcome) {
      return outcome.transform(result -> {
        if (result.failed() && result.cause() instanceof OwnershipLostException) {
          LOG.warn("{}; this broker stops driving it", result.cause().getMessage());
          return outcome;
        }
        JournalEntry end = result.succeeded()
            ? entry.finished(JournalEntry.Status.COMPLETED, result.result().toJson())
            : entry.finished(JournalEntry.Status.ABORTED, result.cause() instanceof HandoffAbortedException aborted
                ? aborted.event().toJson()
                : new JsonObject().put("reason", String.valueOf(result.cause().getMessage())));
        return journal.advance(written, end)
            .onFailure(failure -> LOG.warn("handoff {}: outcome not journaled: {}", request.handoffId(), failure.getMessage()))
            .transform(ignored -> outcome);
      });
    }

    /** Asks the source to measure, runs the model, and fixes the technique for the other steps. */
    Future<Void> chooseTechnique() {
      return this.<MigrationAssessed>step("assess", AgentCommand.ASSESS.address(request.sourceSite()), request, transferStep)
          .map(assessed -> {
            publish(Addresses.MIGRATION_ASSESSED, assessed);
            var estimates = assessed.stateKind().equals(MigrationAssessed.CONTAINER)
                ? containerModel.estimate(new ContainerMigrationModel.Inputs(assessed.bytesPerSecond(), assessed.rttMillis(),
                    assessed.stateBytes(), assessed.dirtyBytesPerSecond() / ContainerMigrationModel.PAGE_SIZE,
                    assessed.techniques()))
                : model.estimate(new MigrationModel.Inputs(assessed.bytesPerSecond(), assessed.rttMillis(),
                    assessed.stateBytes(), assessed.dirtyBytesPerSecond(), assessed.executionStateBytes()));
            AdaptiveObjective.Choice choice = config.objective().choose(estimates);
            JsonObject table = new JsonObject();
            estimates.forEach(e -> table.put(e.technique(), new JsonObject()
                .put("downtimeMillis", e.downtimeMillis()).put("totalMillis", e.totalMillis())));
            request = request.withTechnique(choice.chosen().technique());
            publish(Addresses.TECHNIQUE_CHOSEN, new TechniqueChosen(request.handoffId(), request.technique(), choice.reason(), table));
            return null;
          });
    }

    /** Past the commit point: the target serves. Redirect, wait for the last page, release, report. */
    Future<HandoffCompleted> finishCommitted() {
      if (restoredNanos == 0) {
        restoredNanos = System.nanoTime();
      }
      redirect();
      long awaitStarted = System.currentTimeMillis();
      return journal("redirect", awaitStarted)
          .compose(v -> awaitPages(System.nanoTime() + config.transferTimeoutMs() * 1_000_000)
              .compose(pages -> {
                publish(Addresses.PAGES_COMPLETED, pages);
                return journal("await-pages", awaitStarted).compose(journaled -> release()).map(released -> complete(pages));
              }, failure -> failure instanceof OwnershipLostException ? Future.failedFuture(failure) : postCopyFailed(failure)));
    }

    /** Publishes the client's new assignment, whole, so agents pass it on without a directory read; once per run. */
    void redirect() {
      if (!redirected) {
        redirected = true;
        publish(Addresses.CLIENT_REDIRECTED, new ClientRedirected(request.handoffId(), request.clientId(), target.siteId(),
            target.coapEndpoint(), request.epoch() + 1, request.serviceKind(), target.mqttEndpoint()));
      }
    }

    /**
     * Asks the target, one control-step timeout at a time, whether it holds every page yet: a
     * target that vanished shows as "no handler" within one step instead of one transfer timeout.
     */
    Future<PagesCompleted> awaitPages(long deadlineNanos) {
      return vertx.eventBus().<PagesCompleted>request(AgentCommand.AWAIT_PAGES.address(request.targetSite()), request, controlStep)
          .map(Message::body)
          .recover(failure -> {
            boolean stillWorking = failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT;
            return stillWorking && System.nanoTime() < deadlineNanos ? awaitPages(deadlineNanos) : Future.failedFuture(failure);
          });
    }

    Future<Void> release() {
      ClientRedirected redirected = new ClientRedirected(request.handoffId(), request.clientId(), target.siteId(),
          target.coapEndpoint(), request.epoch() + 1);
      return this.<SourceReleased>step("release", AgentCommand.RELEASE.address(request.sourceSite()), redirected, controlStep)
          .onSuccess(released -> publish(Addresses.SOURCE_RELEASED, released))
          .onFailure(failure -> LOG.warn("handoff {}: source {} keeps a frozen copy: {}", request.handoffId(),
              request.sourceSite(), failure.getMessage()))
          .<Void>mapEmpty()
          .recover(ignored -> Future.succeededFuture());
    }

    HandoffCompleted complete(PagesCompleted pages) {
      double millis = (System.nanoTime() - startNanos) / 1e6;
      MigrationMetrics metrics = new MigrationMetrics(
          micros(precopied == null ? 0 : precopied.preDumpMicros()),
          micros(precopied == null ? 0 : precopied.transferMicros()),
          micros(frozen == null ? 0 : frozen.dumpMicros()),
          micros(transferred == null ? 0 : transferred.transferMicros()),
          micros(restored == null ? 0 : restored.restoreMicros()),
          micros(pages.micros()),
          precopied == null ? 0 : precopied.bytesSent(),
          transferred == null ? 0 : transferred.bytesSent(),
          pages.bytes(),
          precopied == null ? 0 : precopied.rounds(),
          pages.faults(),
          millis);
      HandoffCompleted completed = new HandoffCompleted(request.handoffId(), request.clientId(),
          request.sourceSite(), request.targetSite(), request.epoch() + 1, request.technique(),
          (restoredNanos - startNanos) / 1e6, freezeNanos == 0 ? 0 : (restoredNanos - freezeNanos) / 1e6,
          metrics.bytesMoved(), prepared != null && prepared.prestagedBytes() > 0, metrics);
      return publish(Addresses.HANDOFF_COMPLETED, completed);
    }

    /**
     * The target served but does not hold every page. If the target is gone, or says its restored
     * copy died ({@code TARGET_COPY_LOST}), the source (which has every page) takes the service back
     * under a new epoch; if the target reports that the source
     * is gone, the pages it lacked are lost with it and the handoff fails loudly.
     */
    Future<HandoffCompleted> postCopyFailed(Throwable failure) {
      LOG.warn("handoff {}: {} does not hold every page ({}): {}", request.handoffId(), target.siteId(),
          failure instanceof ReplyException reply ? reply.failureType() + " " + reply.failureCode() : failure.getClass().getSimpleName(),
          failure.getMessage());
      boolean targetGone = failure instanceof ReplyException reply && (reply.failureType() == ReplyFailure.NO_HANDLERS
          || reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() == AgentCommand.TARGET_COPY_LOST);
      StepFailure step = new StepFailure("post-copy", failure);
      if (!targetGone) {
        return Future.failedFuture(abort(step, request.epoch() + 1,
            "none: " + target.siteId() + " serves without part of its state; the service is lost"));
      }
      ClientRecord atTarget = locked.movedTo(request.targetSite());
      ClientRecord backAtSource = new ClientRecord(locked.clientId(), locked.serviceKind(), locked.instanceId(),
          request.sourceSite(), request.epoch() + 2, "");
      return clients.swap(atTarget, backAtSource).compose(swapped -> {
        if (!swapped) {
          return Future.failedFuture(abort(step, request.epoch() + 1, "none: the client record changed meanwhile"));
        }
        HandoffAborted failback = aborted(step, request.epoch() + 2, "");
        return vertx.eventBus().request(AgentCommand.ABORT.address(request.sourceSite()), failback, controlStep)
            .onSuccess(resumed -> publish(Addresses.CLIENT_REDIRECTED, new ClientRedirected(request.handoffId(),
                request.clientId(), request.sourceSite(), sourceEndpoint, request.epoch() + 2)))
            .transform(resumed -> Future.failedFuture(abort(step, request.epoch() + 2, resumed.succeeded()
                ? "source " + request.sourceSite() + " serves again under epoch " + (request.epoch() + 2)
                    + "; changes made at " + target.siteId() + " after its resume are lost with it"
                : "source " + request.sourceSite() + " could not resume: " + resumed.cause().getMessage())));
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
          return Future.failedFuture(abort(failure, request.epoch(), "none: the client record is "
              + current.map(ClientRecord::encode).orElse("gone")));
        });
      });
    }

    /** The record is back at the source: drop the target's copy, then let the source serve again. */
    Future<HandoffCompleted> compensate(StepFailure failure) {
      HandoffAborted aborted = aborted(failure, request.epoch(), "");
      Future<Message<Object>> targetDropped = vertx.eventBus().request(AgentCommand.ABORT.address(request.targetSite()), aborted, controlStep);
      return targetDropped.transform(ignored -> vertx.eventBus().request(AgentCommand.ABORT.address(request.sourceSite()), aborted, controlStep))
          .transform(resumed -> Future.failedFuture(abort(failure, request.epoch(), resumed.succeeded()
              ? "source " + request.sourceSite() + " serves again under epoch " + request.epoch()
              : "source " + request.sourceSite() + " could not resume: " + resumed.cause().getMessage())));
    }

    HandoffAborted aborted(StepFailure failure, long epoch, String compensation) {
      return new HandoffAborted(request.handoffId(), request.clientId(), request.instanceId(), request.sourceSite(),
          request.targetSite(), epoch, failure.step(), failure.getMessage(), compensation);
    }

    HandoffAbortedException abort(StepFailure failure, long epoch, String compensation) {
      return new HandoffAbortedException(publish(Addresses.HANDOFF_ABORTED, aborted(failure, epoch, compensation)));
    }

    <R> Future<R> step(String name, String address, BatonEvent command, DeliveryOptions options) {
      long startedAtMs = System.currentTimeMillis();
      return this.<R>ask(name, address, command, options).compose(answer -> journal(name, startedAtMs).map(answer));
    }

    /** A step's command and its reply, not yet journaled. */
    <R> Future<R> ask(String name, String address, BatonEvent command, DeliveryOptions options) {
      Future<R> reply = vertx.eventBus().<R>request(address, command, options).map(Message::body);
      if (options == transferStep) {
        // Every long step runs at the source; if its member dies the reply would only time out, minutes later.
        reply = SiteWatch.whileSiteAnswers(vertx, request.sourceSite(), request.instanceId(), config.stepTimeoutMs(), reply);
      }
      return reply.recover(cause -> Future.failedFuture(new StepFailure(name, cause)));
    }

    <E extends BatonEvent> E publish(String address, E event) {
      vertx.eventBus().publish(address, event);
      return event;
    }
  }

  private static double micros(long micros) {
    return micros / 1000.0;
  }
}
