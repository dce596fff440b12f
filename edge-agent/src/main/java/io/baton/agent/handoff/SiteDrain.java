package io.baton.agent.handoff;

import io.baton.protocol.Addresses;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.DrainingSites;
import io.baton.protocol.directory.SiteDirectory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties a site before its agent stops: asks a broker to hand each client served here to another
 * site through the normal saga (the client is hinted, its calls are held and replayed, so it loses
 * none), a few clients at a time, until every client left or the deadline passed. The site is
 * marked draining first ({@link DrainingSites}), so no handoff brings a client here meanwhile. The
 * target is the registered site, not draining itself, that serves the fewest clients; a refused
 * handoff is retried on another.
 *
 * <p>A client not moved by the deadline stays assigned here, each one logged: its record keeps
 * naming this site, as after a host that died, and a handoff still running then is the saga's to
 * finish or abort when the site leaves.
 */
public final class SiteDrain {
  private static final Logger LOG = LoggerFactory.getLogger(SiteDrain.class);
  public static final int DEFAULT_PARALLEL = 4;
  /** Pause before asking again about a client that is in a handoff already, or was refused everywhere. */
  private static final long RETRY_MS = 250;

  /** Who left the site, and who is still assigned to it. */
  public record Outcome(List<String> moved, List<String> stayed) {
  }

  private final Vertx vertx;
  private final String siteId;
  private final int parallel;
  private final ClientDirectory clients;
  private final SiteDirectory sites;
  private final DrainingSites draining;
  // Touched only on the drain's own context.
  private final Map<String, Integer> load = new HashMap<>();
  private final List<String> moved = new ArrayList<>();
  private Context context;
  private long deadlineAt;

  public SiteDrain(Vertx vertx, String siteId, int parallel) {
    if (parallel < 1) {
      throw new IllegalArgumentException("a drain moves at least one client at a time, got " + parallel);
    }
    this.vertx = vertx;
    this.siteId = siteId;
    this.parallel = parallel;
    this.clients = new ClientDirectory(vertx);
    this.sites = new SiteDirectory(vertx);
    this.draining = new DrainingSites(vertx);
  }

  /** Runs the drain; it ends by {@code deadline}, with whatever was not moved by then staying here. Call it once. */
  public Future<Outcome> run(Duration deadline) {
    Promise<Outcome> done = Promise.promise();
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      deadlineAt = System.currentTimeMillis() + deadline.toMillis();
      // Marked first: from now on no handoff brings a client here.
      draining.mark(siteId)
          .compose(marked -> draining.all())
          .compose(drainingSites -> clients.all().compose(records -> sites.all()
              .map(registered -> plan(records, registered.keySet(), drainingSites))))
          .compose(mine -> mine.isEmpty() ? Future.succeededFuture(mine) : drain(mine).map(x -> mine))
          .map(this::outcome)
          .onComplete(done);
    });
    return done.future();
  }

  /** This site's clients, and the load of every other site. */
  private List<String> plan(Map<String, ClientRecord> records, Set<String> registered, Set<String> drainingSites) {
    registered.stream().filter(site -> !site.equals(siteId) && !drainingSites.contains(site)).forEach(site -> load.put(site, 0));
    List<String> mine = new ArrayList<>();
    records.values().forEach(record -> {
      if (record.site().equals(siteId)) {
        mine.add(record.clientId());
      } else {
        load.computeIfPresent(record.site(), (site, n) -> n + 1);
      }
    });
    LOG.info("draining {}: {} clients to move to {} (deadline in {} ms)", siteId, mine.size(), load.keySet(),
        deadlineAt - System.currentTimeMillis());
    return mine;
  }

  private Future<Void> drain(List<String> mine) {
    if (load.isEmpty()) {
      LOG.warn("draining {}: no other site is registered, nowhere to move its clients", siteId);
      return Future.succeededFuture();
    }
    Queue<String> queue = new ArrayDeque<>(mine);
    List<Future<Void>> workers = new ArrayList<>();
    for (int i = 0; i < Math.min(parallel, mine.size()); i++) {
      workers.add(next(queue));
    }
    return Future.join(workers).mapEmpty();
  }

  private Future<Void> next(Queue<String> queue) {
    String clientId = queue.poll();
    if (clientId == null || remainingMs() <= 0) {
      return Future.succeededFuture();
    }
    return move(clientId, new HashSet<>()).compose(v -> next(queue));
  }

  /** Moves one client, trying each other site once before waiting and trying them all again. */
  private Future<Void> move(String clientId, Set<String> refused) {
    if (remainingMs() <= 0) {
      return Future.succeededFuture();
    }
    return clients.find(clientId).compose(found -> {
      if (found.isEmpty() || !found.get().site().equals(siteId)) {
        moved.add(clientId); // gone, or moved by a handoff of its own
        return Future.succeededFuture();
      }
      if (found.get().inHandoff()) {
        return later(() -> move(clientId, refused)); // its own handoff runs: see where it ends
      }
      String target = leastLoaded(refused);
      if (target == null) {
        refused.clear();
        return later(() -> move(clientId, refused));
      }
      load.merge(target, 1, Integer::sum);
      JsonObject request = new JsonObject().put("clientId", clientId).put("target", target).put("reason", "drain " + siteId);
      return vertx.eventBus().<JsonObject>request(Addresses.MIGRATION_REQUESTED, request,
              new DeliveryOptions().setSendTimeout(Math.max(1, remainingMs())))
          .compose(reply -> {
            moved.add(clientId);
            LOG.info("draining {}: {} moved to {} (handoff {})", siteId, clientId, target, reply.body().getString("handoffId"));
            return Future.<Void>succeededFuture();
          }, failure -> {
            load.merge(target, -1, Integer::sum);
            refused.add(target);
            LOG.info("draining {}: {} not moved to {}: {}", siteId, clientId, target, failure.getMessage());
            return move(clientId, refused);
          });
    });
  }

  private String leastLoaded(Set<String> refused) {
    return load.entrySet().stream().filter(e -> !refused.contains(e.getKey()))
        .min(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey).orElse(null);
  }

  private Future<Void> later(java.util.function.Supplier<Future<Void>> again) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(Math.max(1, Math.min(RETRY_MS, remainingMs())), id -> again.get().onComplete(done));
    return done.future();
  }

  private long remainingMs() {
    return deadlineAt - System.currentTimeMillis();
  }

  private Outcome outcome(List<String> mine) {
    List<String> stayed = mine.stream().filter(id -> !moved.contains(id)).toList();
    stayed.forEach(id -> LOG.warn("draining {}: not moved before the deadline, {} stays assigned to {}", siteId, id, siteId));
    LOG.info("drained {}: {} clients moved, {} stay", siteId, moved.size(), stayed.size());
    return new Outcome(List.copyOf(moved), stayed);
  }
}
