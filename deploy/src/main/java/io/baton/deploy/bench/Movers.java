package io.baton.deploy.bench;

import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.client.HandoffListener;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The clients that move: real SDK clients, each calling its counter at a steady rate while the bench
 * hands it from site to site. For each handoff it records the redirect latency (HandoffCompleted on
 * the bus to the client's first answer from the new site, or from that call's send if the app sent it
 * later, since time with no call out is the app's, not the redirect's; negative when the client was
 * already served there before the saga finished releasing the source) and the interruption the app
 * perceived; for each client, whether every call was answered exactly once.
 */
final class Movers implements AutoCloseable {
  /** What the movers saw. */
  record Outcome(List<Double> redirectMillis, List<Double> interruptionMillis, int aborted, long sent, long lost, long duplicated,
      Map<String, List<Double>> phases) {
  }

  private final LocalMesh mesh;
  private final List<BatonClient> clients = new ArrayList<>();
  private final Map<String, Map<Long, Long>> completedAt = new ConcurrentHashMap<>();
  /** Per client and epoch, the first call answered under it: when it was sent and when answered (ns). */
  private final Map<String, Map<Long, long[]>> firstAnswerAt = new ConcurrentHashMap<>();
  private final List<Double> interruptions = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, List<CompletableFuture<CallResult>>> calls = new ConcurrentHashMap<>();
  private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
  private final MessageConsumer<HandoffCompleted> listener;
  private final MessageConsumer<HandoffAborted> abortListener;
  private final AtomicInteger aborted = new AtomicInteger();
  private final List<java.util.concurrent.ScheduledFuture<?>> driving = new ArrayList<>();
  private final RedirectTimeline timeline;

  Movers(LocalMesh mesh, List<String> ids, Function<String, BatonClient> clientFor) {
    this.mesh = mesh;
    this.timeline = new RedirectTimeline(mesh.brokerVertx(), java.util.Set.copyOf(ids));
    listener = mesh.brokerVertx().eventBus().consumer(Addresses.HANDOFF_COMPLETED, message -> {
      HandoffCompleted done = message.body();
      Map<Long, Long> byEpoch = completedAt.get(done.clientId());
      if (byEpoch != null) {
        byEpoch.put(done.epoch(), System.nanoTime());
      }
    });
    abortListener = mesh.brokerVertx().eventBus().consumer(Addresses.HANDOFF_ABORTED, message -> {
      if (completedAt.containsKey(message.body().clientId())) {
        aborted.incrementAndGet();
      }
    });
    for (String id : ids) {
      BatonClient client = clientFor.apply(id);
      clients.add(client);
      completedAt.put(id, new ConcurrentHashMap<>());
      firstAnswerAt.put(id, new ConcurrentHashMap<>());
      calls.put(id, Collections.synchronizedList(new ArrayList<>()));
      client.onRedirect(assignment -> timeline.notified(id, assignment.epoch()));
      client.onHandoff(new HandoffListener() {
        @Override
        public void onHandoffEnd(End end) {
          if (end.moved()) {
            interruptions.add(end.interruption().toNanos() / 1e6);
          }
        }
      });
    }
  }

  /** Attaches every mover and starts its calls, {@code callHz} a second each. */
  void start(double callHz) {
    listener.completion().toCompletionStage().toCompletableFuture().join();
    abortListener.completion().toCompletionStage().toCompletableFuture().join();
    timeline.awaitListening();
    clients.forEach(BatonClient::attachBlocking);
    long period = Math.round(1e6 / callHz);
    for (BatonClient client : clients) {
      // Spread the movers' calls over the period, so they do not all fire at the same instant.
      long offset = Math.floorMod(client.clientId().hashCode(), Math.max(1, period));
      clock.scheduleAtFixedRate(() -> call(client), offset, period, TimeUnit.MICROSECONDS);
    }
  }

  private void call(BatonClient client) {
    long sentAt = System.nanoTime();
    CompletableFuture<CallResult> call = client.call(new JsonObject().put("op", "increment")).whenComplete((result, failure) -> {
      if (result != null) {
        firstAnswerAt.get(client.clientId()).putIfAbsent(result.epoch(), new long[] {sentAt, System.nanoTime()});
        timeline.answered(client.clientId(), result.epoch());
      }
    });
    calls.get(client.clientId()).add(call);
  }

  /**
   * Drives every mover back and forth along {@code road} at {@code speedMps}, each reporting its
   * position and the signal it would receive {@code reportHz} times a second, so the broker's
   * trigger (and the predictor, when the mesh runs one) moves it: the path a real vehicle's
   * handoffs take. Mover i sets off {@code staggerMillis * i} after the first, from the road's start.
   */
  void startDriving(io.baton.deploy.demo.Road road, io.baton.deploy.demo.RadioModel radio, double speedMps,
      double reportHz, long staggerMillis) {
    long period = Math.round(1e6 / reportHz);
    long began = System.nanoTime();
    for (int i = 0; i < clients.size(); i++) {
      BatonClient client = clients.get(i);
      long delayMillis = staggerMillis * i;
      driving.add(clock.scheduleAtFixedRate(() -> {
        double seconds = (System.nanoTime() - began) / 1e9 - delayMillis / 1e3;
        double x = road.startX() + triangle(Math.max(0, seconds) * speedMps, road.lengthMeters());
        Map<String, Double> rssi = new java.util.TreeMap<>();
        road.distances(x).forEach((site, distance) -> rssi.put(site, radio.rssiDbm(distance)));
        client.report(new io.baton.protocol.wire.TelemetryReport(client.clientId(), System.currentTimeMillis(), x,
            road.offsetMeters(), speedMps, 90.0, rssi)).exceptionally(failure -> null);
      }, delayMillis * 1000, period, TimeUnit.MICROSECONDS));
    }
  }

  /** Parks every mover where it is: no more reports, so no more handoffs; calls go on. */
  void stopDriving() {
    driving.forEach(task -> task.cancel(false));
  }

  /** Distance along the road after travelling {@code travelled}: there and back again, forever. */
  private static double triangle(double travelled, double length) {
    double lap = travelled % (2 * length);
    return lap <= length ? lap : 2 * length - lap;
  }

  /** Hands every mover to {@code target}, spread over {@code spreadMillis}; completes when all handoffs did. */
  CompletableFuture<Void> handOffAll(String target, long spreadMillis) {
    List<CompletableFuture<?>> handoffs = new ArrayList<>();
    long step = clients.isEmpty() ? 0 : spreadMillis / clients.size();
    for (int i = 0; i < clients.size(); i++) {
      String id = clients.get(i).clientId();
      CompletableFuture<Object> done = new CompletableFuture<>();
      clock.schedule(() -> mesh.broker().handOff(id, target, "bench").onComplete(r -> done.complete(null)), i * step,
          TimeUnit.MILLISECONDS);
      handoffs.add(done);
    }
    return CompletableFuture.allOf(handoffs.toArray(CompletableFuture[]::new));
  }

  /** Stops calling, waits for every answer, and measures. */
  Outcome finish() {
    clock.shutdownNow();
    List<Double> redirects = new ArrayList<>();
    long sent = 0;
    long lost = 0;
    long duplicated = 0;
    long unsettled = 0;
    // One deadline for all the movers' calls: a call the SDK never settles counts as lost, not as a hung bench.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (BatonClient client : clients) {
      List<CompletableFuture<CallResult>> made;
      synchronized (calls.get(client.clientId())) {
        made = List.copyOf(calls.get(client.clientId()));
      }
      long answered = 0;
      for (CompletableFuture<CallResult> call : made) {
        try {
          call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          answered++;
        } catch (Exception failed) {
          lost++;
          if (!call.isDone()) {
            unsettled++;
          }
        }
      }
      sent += made.size();
      // The counter counts executions: more than the answers means a call ran twice.
      long executed;
      try {
        executed = client.call(new JsonObject().put("op", "get")).get(10, TimeUnit.SECONDS).result().getLong("value");
      } catch (Exception unanswered) {
        System.err.printf("%s: its count could not be read (%s); duplicates not counted%n", client.clientId(), unanswered);
        executed = answered;
      }
      duplicated += Math.max(0, executed - answered);
      completedAt.get(client.clientId()).forEach((epoch, completed) -> {
        long[] first = firstAnswerAt.get(client.clientId()).get(epoch);
        if (first != null) {
          // A call sent after the completion waited for the app, not for the redirect: count from its send.
          redirects.add((first[1] - Math.max(completed, first[0])) / 1e6);
        }
      });
    }
    if (unsettled > 0) {
      System.err.printf("%d calls were neither answered nor failed by the SDK 60 s after the last was made%n", unsettled);
    }
    return new Outcome(redirects, List.copyOf(interruptions), aborted.get(), sent, lost, duplicated, timeline.phases());
  }

  @Override
  public void close() {
    clock.shutdownNow();
    listener.unregister();
    abortListener.unregister();
    timeline.close();
    clients.forEach(BatonClient::close);
  }
}
