package io.baton.deploy.cli;

import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.client.HandoffListener;
import io.baton.deploy.demo.Drive;
import io.baton.deploy.demo.DriveConsole;
import io.baton.deploy.demo.DriveReport;
import io.baton.deploy.demo.RadioModel;
import io.baton.deploy.demo.Road;
import io.baton.protocol.security.ClientCredentials;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The demo's vehicle against a mesh that runs elsewhere (hosts, containers): it attaches at the
 * first site, drives past the sites in the order given reporting the RSSI the demo's radio model
 * gives at each position, and calls its service as the demo does. It hears its handoffs through
 * the SDK, not the bus: it is a client, not a member.
 */
@Command(name = "drive", mixinStandardHelpOptions = true,
    description = {"Drives the demo's vehicle past the sites of a running mesh, calling its service, and prints each handoff",
        "and the calls' account. Exits 0 when no call was lost or ran twice and the last site serves the vehicle at the end."})
final class DriveCommand implements Callable<Integer> {
  @Option(names = "--site", required = true, paramLabel = "ID=URI",
      description = "a site along the road, in driving order, e.g. site-a=coaps://10.0.0.2:5683; the vehicle attaches at the first")
  Map<String, String> sites = new LinkedHashMap<>();

  @Option(names = "--credentials", required = true, paramLabel = "DIR",
      description = "directory holding the vehicle's client credentials (clients/ID.*) and cluster-ca.crt.pem")
  Path credentials;

  @Option(names = "--id", description = "the vehicle's client id (default ${DEFAULT-VALUE})", defaultValue = "vehicle-1")
  String id;

  @Mixin
  DriveOptions drive;

  @Override
  public Integer call() {
    if (sites.size() < 2) {
      throw new IllegalArgumentException("give two --site or more, in the order the road passes them");
    }
    drive.check();
    List<String> order = List.copyOf(sites.keySet());
    Road road = new Road(order, drive.spacing, 20);
    List<HandoffListener.End> handoffs = Collections.synchronizedList(new ArrayList<>());
    String firstSite = sites.get(order.get(0));
    try (BatonClient client = BatonClient.builder().clientId(id).credentials(ClientCredentials.load(credentials, id))
        .site(firstSite).service("kv").serviceOptions(new JsonObject().put("sizeKiB", 2 * drive.tilesKiB + 64)).build()) {
      client.onHandoff(new HandoffListener() {
        @Override
        public void onHandoffEnd(End end) {
          handoffs.add(end);
          System.out.printf("  handoff %s -> %s (epoch %d%s): service interrupted for %.1f ms, %d calls held%n", end.fromSite(),
              end.toSite(), end.epoch(), end.moved() ? "" : ", aborted", end.interruption().toNanos() / 1e6, end.heldCalls());
        }
      });
      client.attachBlocking();
      DriveConsole console = new DriveConsole(System.out);
      console.loadTiles(client, drive.tilesKiB, drive.seed);
      // Counted from here: a vehicle id that drove before left its trip counter behind.
      long before = trip(client);
      System.out.printf("%s attached at %s (%s); driving %.0f m at %.0f m/s, %.0f calls/s, telemetry 10/s%n", id,
          client.assignment().site(), firstSite, road.lengthMeters(), drive.speed, drive.callRate);
      Drive vehicle = new Drive(client, road, RadioModel.smallCell(drive.shadowing, drive.seed), drive.speed, 10,
          drive.callRate, seq -> new JsonObject().put("op", "incr").put("key", "trip"));
      DriveReport report = console.withProgress(vehicle, client);
      long duplicated = Math.max(0, trip(client) - before - report.answered().size());
      printHandoffs(handoffs);
      console.printRequests(report, duplicated);
      String last = order.get(order.size() - 1);
      String servedBy = client.assignment().site();
      System.out.printf("%s ended at %s after %d handoffs%n", id, servedBy, handoffs.size());
      return report.lost() == 0 && duplicated == 0 && servedBy.equals(last) ? 0 : 1;
    }
  }

  private static long trip(BatonClient client) {
    CallResult total = client.callBlocking(new JsonObject().put("op", "get").put("key", "trip"));
    String value = total.result().getString("value"); // null until the first incr
    return value == null ? 0 : Long.parseLong(value);
  }

  private static void printHandoffs(List<HandoffListener.End> handoffs) {
    System.out.println();
    System.out.println("Handoffs");
    System.out.printf("  %-3s %-8s %-8s %6s %17s %11s%n", "#", "from", "to", "epoch", "interrupted ms", "held calls");
    int n = 0;
    synchronized (handoffs) {
      for (HandoffListener.End h : handoffs) {
        System.out.printf("  %-3d %-8s %-8s %6d %17.1f %11d%n", ++n, h.fromSite(), h.toSite(), h.epoch(),
            h.interruption().toNanos() / 1e6, h.heldCalls());
      }
    }
  }
}
