package io.baton.broker.journal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims the running handoffs of brokers that left the cluster. Every {@code periodMs} it compares
 * the members alive with the owners in the journal; an entry whose owner is gone is claimed by
 * compare-and-swap (of several surviving brokers exactly one wins) and handed to {@code takeOver}.
 * Finished entries older than the retention are dropped here too.
 */
public final class TakeoverWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(TakeoverWatcher.class);

  private final Vertx vertx;
  private final HandoffJournal journal;
  private final ClusterView cluster;
  private final String name;
  private final long retentionMs;
  private final Consumer<Claimed> takeOver;
  private static final int FULL_SCAN_EVERY = 20;

  private boolean scanning;
  private Set<String> lastAlive = Set.of();
  private long ticks;
  private long timer = -1;

  /** A claimed entry and its encoded form, the token for its next journal write. */
  public record Claimed(JournalEntry entry, String written) {
  }

  public TakeoverWatcher(Vertx vertx, HandoffJournal journal, ClusterView cluster, String name, long retentionMs,
      Consumer<Claimed> takeOver) {
    this.vertx = vertx;
    this.journal = journal;
    this.cluster = cluster;
    this.name = name;
    this.retentionMs = retentionMs;
    this.takeOver = takeOver;
  }

  public void start(long periodMs) {
    timer = vertx.setPeriodic(periodMs, id -> {
      // Read the whole journal when a member left, and every FULL_SCAN_EVERY ticks in case a claim was missed.
      Set<String> alive = cluster.liveNodes();
      if (!alive.equals(lastAlive) || ++ticks % FULL_SCAN_EVERY == 0) {
        lastAlive = alive;
        scan();
      }
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One pass over the journal; at most one pass runs at a time. */
  public Future<Integer> scan() {
    if (scanning) {
      return Future.succeededFuture(0);
    }
    scanning = true;
    Set<String> alive = cluster.liveNodes();
    return journal.raw()
        .compose(all -> Future.all(all.entrySet().stream().map(e -> visit(e, alive)).toList()))
        .map(done -> done.<Boolean>list().stream().mapToInt(claimed -> claimed ? 1 : 0).sum())
        .onComplete(v -> scanning = false);
  }

  private Future<Boolean> visit(Map.Entry<String, String> raw, Set<String> alive) {
    JournalEntry entry = JournalEntry.decode(raw.getValue());
    if (!entry.running()) {
      long age = System.currentTimeMillis() - lastTime(entry);
      return age > retentionMs ? journal.remove(entry.handoffId(), raw.getValue()).map(false) : Future.succeededFuture(false);
    }
    if (alive.contains(entry.ownerNode())) {
      return Future.succeededFuture(false);
    }
    JournalEntry claimed = entry.claimedBy(cluster.localNode(), name);
    return journal.advance(raw.getValue(), claimed)
        .map(written -> {
          LOG.warn("handoff {} of {}: its broker {} left the cluster at step {}; {} takes it over", entry.handoffId(),
              entry.request().clientId(), entry.ownerName(), entry.step(), name);
          takeOver.accept(new Claimed(claimed, written));
          return true;
        })
        .otherwise(false);
  }

  private static long lastTime(JournalEntry entry) {
    List<StepTiming> steps = entry.steps();
    return steps.isEmpty() ? entry.request().requestedAtMs() : steps.get(steps.size() - 1).endedAtMs();
  }
}
