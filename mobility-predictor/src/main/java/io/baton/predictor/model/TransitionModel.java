package io.baton.predictor.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which site follows which, learned online from the handoffs that happened: Markov chains of
 * order 1 (current site) and 2 (previous and current site), per client and over all clients. A
 * prediction backs off from the most specific table to the least, each table's counts pulling the
 * estimate towards its own in proportion to how much it has seen (Dirichlet smoothing with one
 * pseudo-count): a commute driven twice is already the client's own, while a new client gets what
 * the crowd does on that road. Memory is bounded: a client keeps at most {@code MAX_CONTEXTS}
 * contexts, the least recently used forgotten first.
 */
public final class TransitionModel {
  private static final int MAX_CONTEXTS = 256;
  private static final int MAX_GLOBAL_CONTEXTS = 65_536;
  private static final double PSEUDO_COUNT = 1.0;
  private static final int MAX_CLIENTS = 100_000;

  private final Map<String, Counts> global = bounded(MAX_GLOBAL_CONTEXTS);
  private final Map<String, Map<String, Counts>> perClient = bounded(MAX_CLIENTS);

  /** The client went from {@code current} to {@code next}; {@code previous} came before current (may be null). */
  public void learn(String clientId, String previous, String current, String next) {
    Map<String, Counts> own = perClient.computeIfAbsent(clientId, id -> bounded(MAX_CONTEXTS));
    for (String context : contexts(previous, current)) {
      own.computeIfAbsent(context, c -> new Counts()).add(next);
      global.computeIfAbsent(context, c -> new Counts()).add(next);
    }
  }

  /** Distribution over the next site, most specific evidence weighted most; empty if nothing was learned. */
  public List<SitePrediction> predict(String clientId, String previous, String current) {
    Map<String, Counts> own = perClient.getOrDefault(clientId, Map.of());
    String order1 = context(null, current);
    String order2 = previous == null ? null : context(previous, current);
    Map<String, Double> estimate = new HashMap<>();
    // Least specific first; each more specific table refines the estimate it inherits.
    for (Counts counts : new Counts[] {global.get(order1), order2 == null ? null : global.get(order2), own.get(order1),
        order2 == null ? null : own.get(order2)}) {
      if (counts != null && counts.total > 0) {
        Map<String, Double> refined = new HashMap<>();
        double prior = estimate.isEmpty() ? 0 : PSEUDO_COUNT;
        for (Map.Entry<String, Double> e : estimate.entrySet()) {
          refined.merge(e.getKey(), prior * e.getValue() / (counts.total + prior), Double::sum);
        }
        counts.next.forEach((site, n) -> refined.merge(site, n / (counts.total + prior), Double::sum));
        estimate = refined;
      }
    }
    List<SitePrediction> out = new ArrayList<>();
    estimate.forEach((site, p) -> {
      if (!site.equals(current)) {
        out.add(new SitePrediction(site, p, -1));
      }
    });
    return out;
  }

  /** How many times this client's own order-2 context was seen: how much its own history can be trusted. */
  public int ownEvidence(String clientId, String previous, String current) {
    Map<String, Counts> own = perClient.get(clientId);
    if (own == null) {
      return 0;
    }
    Counts counts = own.get(previous == null ? context(null, current) : context(previous, current));
    return counts == null ? 0 : counts.total;
  }

  public void forget(String clientId) {
    perClient.remove(clientId);
  }

  public int clientsKnown() {
    return perClient.size();
  }

  private static List<String> contexts(String previous, String current) {
    return previous == null ? List.of(context(null, current)) : List.of(context(null, current), context(previous, current));
  }

  private static String context(String previous, String current) {
    return (previous == null ? "" : previous) + ">" + current;
  }

  private static <V> Map<String, V> bounded(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > max;
      }
    };
  }

  private static final class Counts {
    final Map<String, Integer> next = new HashMap<>();
    int total;

    void add(String site) {
      next.merge(site, 1, Integer::sum);
      total++;
    }
  }
}
