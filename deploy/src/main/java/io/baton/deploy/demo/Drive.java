package io.baton.deploy.demo;

import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * One client driving down the road: it reports the RSSI of every site from its position
 * ({@code telemetryHz} times a second) and calls its service ({@code callHz} times a second), all
 * through a real {@link BatonClient}. The drive ends at the end of the road, once every call made
 * has been answered or has failed.
 */
public final class Drive {
  /** Where the client is, for progress display. */
  public record Position(double seconds, double x, Map<String, Double> rssiDbm) {
  }

  private final BatonClient client;
  private final Road road;
  private final RadioModel radio;
  private final double speedMps;
  private final double telemetryHz;
  private final double callHz;
  private final LongFunction<JsonObject> callFor;
  private volatile Position position;

  public Drive(BatonClient client, Road road, RadioModel radio, double speedMps, double telemetryHz, double callHz,
      LongFunction<JsonObject> callFor) {
    this.client = client;
    this.road = road;
    this.radio = radio;
    this.speedMps = speedMps;
    this.telemetryHz = telemetryHz;
    this.callHz = callHz;
    this.callFor = callFor;
  }

  public Position position() {
    return position;
  }

  public CompletableFuture<DriveReport> start() {
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(1, runnable -> {
      Thread thread = new Thread(runnable, "drive-" + client.clientId());
      thread.setDaemon(true);
      return thread;
    });
    List<CompletableFuture<CallResult>> calls = Collections.synchronizedList(new ArrayList<>());
    List<CallResult> answered = Collections.synchronizedList(new ArrayList<>());
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> roadEnd = new CompletableFuture<>();
    long startNanos = System.nanoTime();

    clock.scheduleAtFixedRate(() -> {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      double x = road.startX() + speedMps * seconds;
      if (x > road.endX()) {
        roadEnd.complete(null);
        return;
      }
      Map<String, Double> rssi = new java.util.TreeMap<>();
      road.distances(x).forEach((site, distance) -> rssi.put(site, radio.rssiDbm(distance)));
      position = new Position(seconds, x, rssi);
      client.report(new TelemetryReport(client.clientId(), System.currentTimeMillis(), x, road.offsetMeters(),
          speedMps, 90.0, rssi));
    }, 0, periodMicros(telemetryHz), TimeUnit.MICROSECONDS);

    long[] sequence = {0};
    clock.scheduleAtFixedRate(() -> {
      if (roadEnd.isDone()) {
        return;
      }
      // Track the bookkeeping, not the call: the drive's end must wait until each answer is recorded.
      calls.add(client.call(callFor.apply(++sequence[0])).whenComplete((result, failure) -> {
        if (failure == null) {
          answered.add(result);
        } else {
          failures.add(failure.getMessage());
        }
      }));
    }, 0, periodMicros(callHz), TimeUnit.MICROSECONDS);

    return roadEnd
        .thenCompose(v -> {
          clock.shutdown();
          List<CompletableFuture<CallResult>> made;
          synchronized (calls) {
            made = List.copyOf(calls);
          }
          return CompletableFuture.allOf(made.stream().map(c -> c.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
              .thenApply(done -> {
                synchronized (answered) {
                  return new DriveReport(made.size(), List.copyOf(answered), List.copyOf(failures),
                      (System.nanoTime() - startNanos) / 1e9);
                }
              });
        });
  }

  private static long periodMicros(double hz) {
    return Math.round(1_000_000 / hz);
  }
}
