package io.baton.deploy.demo;

import io.baton.client.BatonClient;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the demo's vehicle prints and does around its drive, whether the mesh is the demo's own or
 * one reached by address ({@code baton drive}): the map tiles it loads first, a progress line a
 * second, and the table of its calls at the end.
 */
public final class DriveConsole {
  private static final int TILE_BYTES = 4096;

  private final PrintStream out;

  public DriveConsole(PrintStream out) {
    this.out = out;
  }

  /** Fills the service with map tiles (seeded random bytes, hex): the state each handoff has to move. */
  public void loadTiles(BatonClient client, int tilesKiB, long seed) {
    Random random = new Random(seed);
    byte[] tile = new byte[TILE_BYTES / 2];
    int tiles = tilesKiB * 1024 / TILE_BYTES;
    for (int i = 0; i < tiles; i++) {
      random.nextBytes(tile);
      client.callBlocking(new JsonObject().put("op", "put").put("key", String.format("tile-%04d", i)).put("value", HexFormat.of().formatHex(tile)));
    }
    out.printf("%s loaded %d KiB of map tiles into its service%n", client.clientId(), tiles * TILE_BYTES / 1024);
  }

  /** Runs the drive to its end, printing where the vehicle is and who serves it once a second. */
  public DriveReport withProgress(Drive drive, BatonClient client) {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    ticker.scheduleAtFixedRate(() -> {
      Drive.Position at = drive.position();
      if (at != null) {
        StringBuilder rssi = new StringBuilder();
        at.rssiDbm().forEach((site, dbm) -> rssi.append(String.format(" %s=%.0f", site, dbm)));
        out.printf("[%5.1f s] x=%5.0f m  serving %s  rssi dBm:%s%n", at.seconds(), at.x(), client.assignment().site(), rssi);
      }
    }, 1, 1, TimeUnit.SECONDS);
    try {
      return drive.start().join();
    } finally {
      ticker.shutdownNow();
    }
  }

  /** The calls' account; {@code duplicated} is what the service executed beyond the calls answered. */
  public void printRequests(DriveReport drive, long duplicated) {
    out.println();
    out.println("Requests");
    out.printf("  %8s %9s %6s %11s %22s %15s%n", "sent", "answered", "lost", "duplicated", "held through handoff", "max latency ms");
    out.printf("  %8d %9d %6d %11d %22d %15.1f%n", drive.sent(), drive.answered().size(), drive.lost(),
        duplicated, drive.heldCalls(), drive.maxLatencyMillis());
    drive.failures().stream().distinct().limit(5).forEach(f -> out.println("  failed: " + f));
  }
}
