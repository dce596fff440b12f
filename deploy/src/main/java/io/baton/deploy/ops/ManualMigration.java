package io.baton.deploy.ops;

import io.baton.broker.journal.HandoffJournal;
import io.baton.broker.journal.JournalEntry;
import io.baton.broker.journal.StepTiming;
import io.baton.protocol.Addresses;
import io.baton.protocol.codec.EventCodecs;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.HandoffRequested;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An operator's handoff from any cluster member: the broker's saga, started as the control API's
 * manual migration starts it (trigger "manual"), and its outcome read back from the saga's journal.
 * Nothing is asked of a site directly, so the fence, the journal and the redirect are the saga's, as
 * for a handoff the signal triggered.
 */
public final class ManualMigration {
  public static final String TRIGGER = "manual";

  private final Vertx vertx;

  public ManualMigration(Vertx vertx) {
    this.vertx = vertx;
    // The saga's events reach this member too; a command's member has not registered their codecs.
    EventCodecs.registerAll(vertx.eventBus());
  }

  /** Input that names nothing movable: refused before the broker is asked, so nothing changes. */
  public static final class RefusedException extends IllegalArgumentException {
    RefusedException(String message) {
      super(message);
    }
  }

  /** How one handoff ended, as its journal entry says (empty if the broker refused to start one). */
  public record Outcome(ClientRecord record, String targetSite, Optional<JournalEntry> journal, String failure) {
    public boolean completed() {
      return failure == null && journal.filter(e -> e.status() == JournalEntry.Status.COMPLETED).isPresent();
    }

    public Optional<HandoffCompleted> handoff() {
      return journal.filter(e -> e.status() == JournalEntry.Status.COMPLETED).map(e -> HandoffCompleted.fromJson(e.outcome()));
    }

    public String describe() {
      StringBuilder text = new StringBuilder();
      String route = String.format("%s (client %s) %s -> %s", record.instanceId(), record.clientId(), record.site(), targetSite);
      Optional<HandoffCompleted> done = handoff();
      if (done.isPresent()) {
        text.append(String.format("%s: completed, handoff %s (%s)%n", route, done.get().handoffId(), done.get().technique()));
      } else if (journal.isEmpty()) {
        text.append(String.format("%s: REFUSED, no handoff started: %s%n", route, failure));
      } else if (journal.get().running()) {
        text.append(String.format("%s: NOT FINISHED within the deadline, handoff %s after step %s runs on: %s%n", route,
            journal.get().handoffId(), journal.get().step(), failure));
      } else {
        Optional<HandoffAborted> aborted = journal.filter(e -> e.outcome().containsKey("failedStep"))
            .map(e -> HandoffAborted.fromJson(e.outcome()));
        text.append(aborted.map(a -> String.format("%s: ABORTED at %s, handoff %s: %s; %s%n", route, a.failedStep(), a.handoffId(),
            a.reason(), a.compensation()))
            .orElse(String.format("%s: ABORTED, handoff %s: %s%n", route, journal.get().handoffId(), failure)));
      }
      journal.ifPresent(entry -> text.append(steps(entry)));
      done.ifPresent(c -> text.append(String.format(
          "  handoff time %.3f s, downtime %.3f s; %.3f MB moved: %.3f MB before the freeze, %.3f MB after%n",
          c.handoffMillis() / 1e3, c.downtimeMillis() / 1e3, c.bytesMoved() / 1e6, c.metrics().preDumpBytes() / 1e6,
          c.bytesAfterFreeze() / 1e6)));
      return text.toString();
    }
  }

  /** The saga's steps as the journal timed them: when each ended after the request, and how long it took. */
  public static String steps(JournalEntry entry) {
    StringBuilder text = new StringBuilder(String.format("  %-12s %10s %10s%n", "step", "at", "took"));
    long requestedAt = entry.request().requestedAtMs();
    for (StepTiming step : entry.steps()) {
      text.append(String.format("  %-12s %8.3f s %8.3f s%n", step.step(), (step.endedAtMs() - requestedAt) / 1e3,
          step.durationMs() / 1e3));
    }
    return text.toString();
  }

  /**
   * Hands the service known by {@code instanceOrClient} (its instance id, or its client's id) off to
   * {@code targetSite} with {@code technique} (null: the broker's), and waits at most
   * {@code deadlineMs} for the saga's end. Fails with {@link RefusedException} for an unknown
   * service or site, a service at that site already or one in a handoff; an aborted handoff is an
   * outcome, not a failure.
   */
  public Future<Outcome> run(String instanceOrClient, String targetSite, String technique, long deadlineMs) {
    return resolve(instanceOrClient, targetSite).compose(record -> {
      AtomicReference<String> started = new AtomicReference<>();
      MessageConsumer<HandoffRequested> requested = vertx.eventBus().consumer(Addresses.HANDOFF_REQUESTED, m -> {
        if (m.body().clientId().equals(record.clientId()) && m.body().trigger().equals(TRIGGER)) {
          started.compareAndSet(null, m.body().handoffId());
        }
      });
      JsonObject request = new JsonObject().put("clientId", record.clientId()).put("target", targetSite).put("reason", TRIGGER);
      if (technique != null) {
        request.put("technique", technique);
      }
      // Registered cluster-wide before the request, so the saga's HandoffRequested cannot pass it by.
      return requested.completion()
          .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.MIGRATION_REQUESTED, request,
              new DeliveryOptions().setSendTimeout(deadlineMs)))
          .transform(reply -> {
            String handoffId = reply.succeeded() ? reply.result().body().getString("handoffId") : started.get();
            String failure = reply.succeeded() ? null : reply.cause().getMessage();
            return (handoffId == null ? Future.succeededFuture(Optional.<JournalEntry>empty()) : journalEntry(handoffId))
                .map(entry -> new Outcome(record, targetSite, entry, failure));
          })
          .eventually(requested::unregister);
    });
  }

  private Future<Optional<JournalEntry>> journalEntry(String handoffId) {
    return new HandoffJournal(vertx).entries()
        .map(entries -> entries.stream().filter(e -> e.handoffId().equals(handoffId)).findFirst());
  }

  /** The service's client record, once the target is known to the cluster and differs from where it runs. */
  private Future<ClientRecord> resolve(String instanceOrClient, String targetSite) {
    Future<Void> target = new SiteDirectory(vertx).lookup(targetSite).<Void>mapEmpty()
        .recover(failure -> Future.failedFuture(failure instanceof SiteDirectory.UnknownSiteException
            ? new RefusedException("no site '" + targetSite + "' in the cluster") : failure));
    return new ClientDirectory(vertx).all().compose(records -> {
      Optional<ClientRecord> found = records.values().stream().filter(r -> r.instanceId().equals(instanceOrClient)).findFirst()
          .or(() -> Optional.ofNullable(records.get(instanceOrClient)));
      if (found.isEmpty()) {
        return Future.failedFuture(new RefusedException("no service instance or client '" + instanceOrClient + "' in the cluster"));
      }
      ClientRecord record = found.get();
      return target.compose(v -> {
        if (record.site().equals(targetSite)) {
          return Future.failedFuture(new RefusedException(record.instanceId() + " already runs at " + targetSite));
        }
        if (record.inHandoff()) {
          return Future.failedFuture(new RefusedException(record.instanceId() + " is in handoff " + record.handoffId()
              + " already"));
        }
        return Future.succeededFuture(record);
      });
    });
  }
}
