package io.baton.deploy.bench;

import io.baton.broker.journal.HandoffJournal;
import io.baton.broker.journal.JournalEntry;
import io.baton.broker.journal.StepTiming;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.ClientRedirected;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.TargetRestored;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where a mover's handoff spends its time, phase by phase: the saga's steps as the journal timed
 * them, then the redirect's path (target restored, redirect published, client notified, first
 * answer at the new site) as the broker's bus and the SDK saw them. One clock (this JVM's
 * nanoTime) for everything but the journal, whose steps are durations of their own.
 */
final class RedirectTimeline implements AutoCloseable {
  /** The moments of one handoff, by the client and the epoch it ends in; 0 = not seen. */
  private static final class Moments {
    volatile long restored;
    volatile long redirectPublished;
    volatile long notified;
    volatile long firstAnswer;
    volatile long completed;
    volatile double downtimeMillis = Double.NaN;
  }

  private final Vertx broker;
  private final Set<String> clients;
  private final Map<String, String> clientOfHandoff = new ConcurrentHashMap<>();
  private final Map<String, Map<Long, Moments>> moments = new ConcurrentHashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  RedirectTimeline(Vertx broker, Set<String> clients) {
    this.broker = broker;
    this.clients = Set.copyOf(clients);
    clients.forEach(id -> moments.put(id, new ConcurrentHashMap<>()));
    consumers.add(broker.eventBus().<HandoffRequested>consumer(Addresses.HANDOFF_REQUESTED, m -> {
      if (this.clients.contains(m.body().clientId())) {
        clientOfHandoff.put(m.body().handoffId(), m.body().clientId());
      }
    }));
    consumers.add(broker.eventBus().<TargetRestored>consumer(Addresses.TARGET_RESTORED, m -> {
      String client = clientOfHandoff.get(m.body().handoffId());
      if (client != null) {
        at(client, m.body().epoch()).restored = System.nanoTime();
      }
    }));
    consumers.add(broker.eventBus().<ClientRedirected>consumer(Addresses.CLIENT_REDIRECTED, m -> {
      if (this.clients.contains(m.body().clientId())) {
        Moments at = at(m.body().clientId(), m.body().epoch());
        if (at.redirectPublished == 0) {
          at.redirectPublished = System.nanoTime();
        }
      }
    }));
    consumers.add(broker.eventBus().<HandoffCompleted>consumer(Addresses.HANDOFF_COMPLETED, m -> {
      if (this.clients.contains(m.body().clientId())) {
        Moments at = at(m.body().clientId(), m.body().epoch());
        at.completed = System.nanoTime();
        at.downtimeMillis = m.body().downtimeMillis();
      }
    }));
  }

  /** Completes once every listener is registered cluster-wide. */
  void awaitListening() {
    consumers.forEach(c -> c.completion().toCompletionStage().toCompletableFuture().join());
  }

  void notified(String client, long epoch) {
    Moments at = at(client, epoch);
    if (at.notified == 0) {
      at.notified = System.nanoTime();
    }
  }

  void answered(String client, long epoch) {
    Moments at = at(client, epoch);
    if (at.firstAnswer == 0) {
      at.firstAnswer = System.nanoTime();
    }
  }

  private Moments at(String client, long epoch) {
    return moments.computeIfAbsent(client, c -> new ConcurrentHashMap<>()).computeIfAbsent(epoch, e -> new Moments());
  }

  /** Phase name to its samples (ms), saga steps first, in the order they happen. */
  Map<String, List<Double>> phases() {
    Map<String, List<Double>> phases = new LinkedHashMap<>();
    journalSteps(phases);
    for (Map<Long, Moments> byEpoch : moments.values()) {
      for (Moments m : byEpoch.values()) {
        add(phases, "downtime (freeze->restored)", m.downtimeMillis);
        add(phases, "restored -> redirect published", between(m.restored, m.redirectPublished));
        add(phases, "redirect published -> client notified", between(m.redirectPublished, m.notified));
        add(phases, "client notified -> first answer", between(m.notified, m.firstAnswer));
        add(phases, "redirect published -> first answer", between(m.redirectPublished, m.firstAnswer));
        add(phases, "redirect published -> completed", between(m.redirectPublished, m.completed));
      }
    }
    return phases;
  }

  /** Each step's duration and the journal write after it (the gap before the next step starts). */
  private void journalSteps(Map<String, List<Double>> phases) {
    List<JournalEntry> entries;
    try {
      entries = new HandoffJournal(broker).entries().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception unreadable) {
      return;
    }
    for (JournalEntry entry : entries) {
      if (!clients.contains(entry.request().clientId()) || entry.status() != JournalEntry.Status.COMPLETED) {
        continue;
      }
      List<StepTiming> steps = entry.steps();
      for (int i = 0; i < steps.size(); i++) {
        StepTiming step = steps.get(i);
        if (step.step().equals("completed")) {
          continue;
        }
        add(phases, "saga: " + step.step(), step.durationMs());
        if (i + 1 < steps.size()) {
          add(phases, "saga: journal after " + step.step(), steps.get(i + 1).startedAtMs() - step.endedAtMs());
        }
      }
    }
  }

  private static double between(long from, long to) {
    return from == 0 || to == 0 ? Double.NaN : (to - from) / 1e6;
  }

  private static void add(Map<String, List<Double>> phases, String phase, double millis) {
    if (!Double.isNaN(millis)) {
      phases.computeIfAbsent(phase, p -> new ArrayList<>()).add(millis);
    }
  }

  static void print(PrintStream out, String title, Map<String, List<Double>> phases) {
    out.println("  " + title);
    out.printf("    %-42s %6s %10s %10s %10s%n", "phase", "n", "p50 ms", "p99 ms", "max ms");
    phases.forEach((phase, sample) -> out.printf("    %-42s %6d %10.1f %10.1f %10.1f%n", phase, sample.size(),
        Percentiles.of(sample, 50), Percentiles.of(sample, 99), Percentiles.of(sample, 100)));
  }

  @Override
  public void close() {
    consumers.forEach(MessageConsumer::unregister);
  }
}
