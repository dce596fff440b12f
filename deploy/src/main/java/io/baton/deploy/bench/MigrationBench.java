package io.baton.deploy.bench;

import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.protocol.Addresses;
import io.baton.protocol.directory.LinkTable;
import io.baton.protocol.event.TechniqueChosen;
import io.baton.protocol.event.HandoffCompleted;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code baton bench migration}: seed 000's experiment on Baton. For each configuration (emulated
 * link, dirty rate) and each technique, N runs of: a fresh synthetic service of S MB at site-a,
 * dirtied at the configuration's rate (four requests a second) for a warm-up, then handed off to
 * site-b while the load goes on. Chunk stores are emptied before every run, as seed 000 cleaned
 * its destination. All runs happen in one process, one after the other, so ratios compare.
 */
public final class MigrationBench {
  /** What to run. */
  public record Options(List<LinkConfig> configs, List<String> techniques, int runs, double sizeMb, long warmupMillis, Path outDir,
      int subnet) {
    public static Options full(Path outDir) {
      return new Options(LinkConfig.seed000(), List.of("cold", "pre-copy", "post-copy", "hybrid", "adaptive"), 5, 75, 2_000, outDir, 7);
    }

    /** A small version that finishes in under a minute: 1.5 MB, one run each. */
    public static Options quick(Path outDir) {
      return new Options(LinkConfig.seed000(), List.of("cold", "pre-copy", "post-copy", "hybrid", "adaptive"), 1, 1.5, 300, outDir, 7);
    }
  }

  private static final int REQUESTS_PER_SECOND = 4;

  private final Options options;
  private final PrintStream out;

  public MigrationBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public List<RunResult> run() throws IOException {
    String prefix = "127.0." + options.subnet() + ".";
    MeshLayout layout = new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3), 5701, 5683, 7443);
    BrokerConfig broker = BrokerConfig.defaults().withTechnique("cold");
    List<RunResult> results = new ArrayList<>();
    int total = options.configs().size() * options.techniques().size() * options.runs();
    out.printf("Migration benchmark: %d configurations x %d techniques x %d runs, %.0f MB state%n",
        options.configs().size(), options.techniques().size(), options.runs(), options.sizeMb());
    try (LocalMesh mesh = LocalMesh.start(layout, broker)) {
      LinkTable links = new LinkTable(mesh.brokerVertx());
      mesh.brokerVertx().eventBus().<TechniqueChosen>consumer(Addresses.TECHNIQUE_CHOSEN,
          m -> out.printf("          adaptive chose %s: %s%n", m.body().technique(), m.body().reason()));
      int done = 0;
      for (LinkConfig config : options.configs()) {
        join(links.set("site-a", "site-b", config.profile()));
        for (String technique : options.techniques()) {
          for (int run = 1; run <= options.runs(); run++) {
            RunResult result = runOnce(mesh, config, technique, run);
            results.add(result);
            done++;
            out.printf("[%3d/%d] config %s %-9s run %d: %s%n", done, total, config.name(), technique, run, result.ok()
                ? String.format("%s, downtime %.3f s, total %.2f s", result.technique(),
                    result.metrics().componentDowntimeMillis() / 1000, result.metrics().totalMillis() / 1000)
                : "FAILED " + result.failure());
          }
        }
      }
    }
    ResultsReport report = new ResultsReport(results);
    out.println();
    out.println("Medians (seed 000's metrics; downtime = dump + dump transfer + resume)");
    report.printTable(out);
    Files.createDirectories(options.outDir());
    Path csv = options.outDir().resolve("migration.csv");
    Path chart = options.outDir().resolve("migration.png");
    report.writeCsv(csv);
    BarChart.write(results, chart);
    out.println();
    out.println("Wrote " + csv + " and " + chart);
    return results;
  }

  private RunResult runOnce(LocalMesh mesh, LinkConfig config, String technique, int run) {
    String clientId = "bench-" + config.name() + "-" + technique + "-" + run;
    mesh.sites().forEach(site -> site.agent().chunkStore().clear());
    JsonObject serviceOptions = new JsonObject().put("sizeMb", options.sizeMb()).put("seed", (long) clientId.hashCode());
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    List<CompletableFuture<CallResult>> calls = Collections.synchronizedList(new ArrayList<>());
    try (BatonClient client = BatonClient.builder().clientId(clientId).service("synthetic").serviceOptions(serviceOptions)
        .credentials(mesh.credentials().client(clientId)).site(mesh.site("site-a").orElseThrow().config().coapEndpoint()).maxHold(java.time.Duration.ofMinutes(10)).build()) {
      client.attachBlocking();
      long bytesPerRequest = config.dirtyKiBPerSecond() * 1024L / REQUESTS_PER_SECOND;
      load.scheduleAtFixedRate(() -> calls.add(client.call(new JsonObject().put("op", "dirty").put("bytes", bytesPerRequest))),
          0, 1000 / REQUESTS_PER_SECOND, TimeUnit.MILLISECONDS);
      Thread.sleep(options.warmupMillis());
      HandoffCompleted done = join(mesh.broker().handOff(clientId, "site-b", technique, "bench"));
      load.shutdownNow();
      List.copyOf(calls).forEach(call -> call.exceptionally(e -> null).join());
      return new RunResult(config.name(), technique, done.technique(), run, done.downtimeMillis(), done.handoffMillis(), done.metrics(), null);
    } catch (Exception e) {
      load.shutdownNow();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return new RunResult(config.name(), technique, technique, run, 0, 0, null, cause.getMessage());
    } finally {
      // Drop the instance wherever it ended up: 75 MB a run would otherwise pile up in this process.
      mesh.sites().forEach(site -> {
        var runtime = site.agent().runtime();
        String instance = clientId + "/synthetic";
        runtime.state(instance).ifPresent(state -> join(runtime.freeze(instance).otherwise((Void) null)
            .compose(v -> runtime.discard(instance))));
      });
    }
  }

  private static <T> T join(io.vertx.core.Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }
}
