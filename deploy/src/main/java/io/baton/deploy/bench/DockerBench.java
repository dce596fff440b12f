package io.baton.deploy.bench;

import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.docker.ContainerProfile;
import io.baton.agent.runtime.docker.ContainerSweep;
import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.agent.runtime.docker.DockerLink;
import io.baton.agent.runtime.docker.DockerSite;
import io.baton.agent.runtime.docker.HandoffReport;
import io.baton.protocol.directory.LinkProfile;
import io.baton.protocol.directory.LinkTable;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code baton bench docker}: seed 002's Table 3 on real engines. For each workload, emulated
 * link and method, N runs of: a fresh container at site-a (site-b holds only the busybox base
 * image and an empty chunk store), a warm-up, then a handoff to site-b by Baton with pre-staging,
 * Baton cold, or seed 004's plain checkpoint-copy-restore. After each run the target must answer
 * (and the memory workload's checksums must agree), or the run counts as failed.
 */
public final class DockerBench {
  private static final Pattern MEMWORK = Pattern.compile("sum=(\\w+) full=(\\w+)");
  static final double MB = 1024.0 * 1024.0;

  /** A link of seed 002's evaluation: bandwidth and latency (taken as round-trip time). */
  public record Link(double mbps, double latencyMillis) {
    LinkProfile profile() {
      return LinkProfile.ofMbps(mbps, latencyMillis);
    }
  }

  public record Options(List<String> apps, List<Link> links, List<String> methods, int runs, int memoryMb, int dirtyKbps,
      long warmupMillis, String engineA, String engineB, Path outDir, boolean phases, int subnet) {

    public static Options full(Path outDir, String engineA, String engineB) {
      List<Link> links = new ArrayList<>();
      for (double latency : new double[] {50, 6}) {
        for (double mbps : new double[] {5, 10, 20, 100}) {
          links.add(new Link(mbps, latency));
        }
      }
      return new Options(List.of("busybox", "memwork"), links, List.of("prestaged", "cold", "seed004"), 5, 64, 128, 2_000,
          engineA, engineB, outDir, false, 21);
    }

    public static Options quick(Path outDir, String engineA, String engineB) {
      return new Options(List.of("busybox", "memwork"), List.of(new Link(20, 50), new Link(100, 6)),
          List.of("prestaged", "cold", "seed004"), 1, 16, 128, 1_000, engineA, engineB, outDir, false, 21);
    }
  }

  /** One run's outcome. */
  public record Run(String app, Link link, String method, int run, HandoffReport prestage, HandoffReport handoff,
      String failure) {
    public boolean ok() {
      return failure == null;
    }

    double preMb() {
      return prestage == null ? 0 : prestage.preBytes() / MB;
    }
  }

  private final Options options;
  private final PrintStream out;

  public DockerBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public List<Run> run() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<Run> runs = new ArrayList<>();
    try (DockerEngine engineA = new DockerEngine(options.engineA()); DockerEngine engineB = new DockerEngine(options.engineB());
        ContainerSweep sweep = new ContainerSweep(List.of(engineA, engineB))) {
      DockerSite siteA = await(new DockerSite(vertx, "site-a", "127.0." + options.subnet() + ".1", 7721, engineA, 0).start());
      DockerSite siteB = await(new DockerSite(vertx, "site-b", "127.0." + options.subnet() + ".2", 7722, engineB, 0).start());
      LinkTable table = new LinkTable(vertx);
      // One unrecorded handoff first: class loading and JIT would otherwise land in the first cell.
      await(table.clear("site-a", "site-b"));
      once(siteA, siteB, "busybox", new Link(1000, 0), "cold", 0);
      int total = options.apps().size() * options.links().size() * options.methods().size() * options.runs();
      out.printf("Docker handoff benchmark: %d runs (%s; %s; %d run(s) each), memwork %d MB dirtied at %d KB/s%n", total,
          options.apps(), options.methods(), options.runs(), options.memoryMb(), options.dirtyKbps());
      for (String app : options.apps()) {
        for (Link link : options.links()) {
          await(table.set("site-a", "site-b", link.profile()));
          for (String method : options.methods()) {
            for (int n = 1; n <= options.runs(); n++) {
              Run run = once(siteA, siteB, app, link, method, n);
              runs.add(run);
              out.printf("[%3d/%d] %-7s %5.0f Mbps %2.0f ms %-9s run %d: %s%n", runs.size(), total, app, link.mbps(),
                  link.latencyMillis(), method, n, run.ok()
                      ? String.format("handoff %.2f s, downtime %.2f s, pre %.2f MB, final %.2f MB",
                          run.handoff().handoffMicros() / 1e6, run.handoff().downtimeMicros() / 1e6, run.preMb(),
                          run.handoff().finalBytes() / MB)
                      : "FAILED " + run.failure());
              if (options.phases()) {
                for (HandoffReport report : new HandoffReport[] {run.prestage(), run.handoff()}) {
                  if (report != null) {
                    out.print(report.describe());
                  }
                }
              }
            }
          }
        }
      }
      clean(engineA, engineB);
      await(siteA.stop());
      await(siteB.stop());
    } finally {
      await(vertx.close());
    }
    DockerBenchTable.write(runs, options, out);
    return runs;
  }

  private Run once(DockerSite siteA, DockerSite siteB, String app, Link link, String method, int n) throws Exception {
    DockerEngine engineA = siteA.runtime().engine();
    DockerEngine engineB = siteB.runtime().engine();
    clean(engineA, engineB);
    siteB.store().clear();
    ContainerProfile profile = profile(app);
    if (method.equals("seed004")) {
      // Seed 004 assumes the same image at both ends; copying it is not part of its recipe.
      try (InputStream image = engineA.save(profile.image())) {
        engineB.load(image);
      }
    }
    String id = app + "-" + method + "-" + n + "-" + System.nanoTime() % 100_000;
    await(siteA.runtime().deploy(new InstanceSpec(id, "bench", ContainerProfile.KIND, 1, profile.toOptions())));
    try {
      Thread.sleep(options.warmupMillis());
      DockerLink toB = await(siteA.linkTo("site-b", siteB.host(), siteB.port()));
      HandoffReport prestage = null;
      if (method.equals("prestaged")) {
        prestage = await(siteA.handoff().prestage(id, toB));
        Thread.sleep(1_000); // the user approaches the new site while the service keeps running
      }
      HandoffReport report = await(switch (method) {
        case "seed004" -> siteA.handoff().plainCopy(id, toB);
        default -> siteA.handoff().handoff(id, toB);
      });
      if (!report.restoredAtTarget()) {
        return new Run(app, link, method, n, prestage, report, report.failure());
      }
      String problem = checkServes(siteB, id, app);
      return new Run(app, link, method, n, prestage, report, problem);
    } catch (Exception e) {
      return new Run(app, link, method, n, null, null, String.valueOf(e.getMessage()));
    }
  }

  /** The target must answer; the memory workload's state must check out page for page. */
  private static String checkServes(DockerSite site, String id, String app) throws Exception {
    String answer = "";
    // A restored counter has printed nothing yet in its new container's log until its next tick.
    for (int attempt = 0; attempt < 20 && answer.isBlank(); attempt++) {
      if (attempt > 0) {
        Thread.sleep(100);
      }
      // Each attempt its own request id: the runtime answers a repeated id from its reply log.
      answer = await(site.runtime().call(id, new ServiceCall("bench-check-" + attempt, new JsonObject()))).getString("answer", "");
    }
    if (app.equals("memwork")) {
      Matcher m = MEMWORK.matcher(answer);
      if (!m.find() || !m.group(1).equals(m.group(2))) {
        return "memory state damaged: " + answer;
      }
    }
    return answer.isBlank() ? "no answer at the target" : null;
  }

  private ContainerProfile profile(String app) {
    return switch (app) {
      case "busybox" -> new ContainerProfile("baton/counter:1", List.of(), 0.5, 64, List.of());
      case "memwork" -> new ContainerProfile("baton/memwork:1",
          List.of("/usr/bin/memwork", "serve", "--mb", String.valueOf(options.memoryMb()), "--dirty-kbps",
              String.valueOf(options.dirtyKbps())), 1.0, options.memoryMb() + 64L, List.of("/usr/bin/memwork", "query"));
      default -> throw new IllegalArgumentException("unknown app '" + app + "': busybox or memwork");
    };
  }

  /** Removes Baton's containers at both sites and leaves site-b only the busybox base image. */
  static void clean(DockerEngine a, DockerEngine b) {
    a.removeBatonContainers();
    b.removeBatonContainers();
    for (String image : List.of("baton/memwork:1", "baton/counter:1")) {
      if (b.hasImage(image)) {
        b.client().removeImageCmd(image).withForce(true).exec();
      }
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }

  static void writeFile(Path path, String text) throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, text);
  }
}
