package io.baton.deploy.bench;

import io.baton.agent.MqttSettings;
import io.baton.agent.runtime.container.ContainerProfile;
import io.baton.agent.runtime.container.ContainerSweep;
import io.baton.agent.runtime.container.ContainerControl;
import io.baton.agent.runtime.RuntimeSettings;
import io.baton.agent.runtime.container.ContainerEngine;
import io.baton.agent.runtime.container.ContainerRuntime;
import io.baton.agent.runtime.container.EngineDeadlines;
import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.agent.runtime.runc.RuncEngine;
import io.baton.agent.runtime.runc.RuncRuntimeProvider;
import io.baton.deploy.mesh.SiteRuntimes;
import io.baton.agent.runtime.container.ContainerSite;
import io.baton.broker.BrokerConfig;
import io.baton.broker.journal.JournalEntry;
import io.baton.cluster.ClusterMember;
import io.baton.deploy.mesh.DockerSites;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.ops.ManualMigration;
import io.baton.protocol.Addresses;
import io.baton.protocol.directory.LinkProfile;
import io.baton.protocol.directory.LinkTable;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.Prestaged;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.TechniqueChosen;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code baton bench docker}: seed 002's Table 3 on real engines. For each runtime a method needs,
 * a mesh (a broker and two agents, site-a and site-b) runs: the docker runtime on the two Docker
 * engines, or the runc runtime (runc and CRIU driven directly, images taken from site-a's engine).
 * For each workload, emulated link and method, N runs of: a fresh container deployed at site-a
 * (site-b holds neither its image nor any chunk), a warm-up, then a handoff to site-b. Baton's
 * handoffs are the broker's saga, started as the control API's manual migration starts it:
 * "prestaged" after the predictor's pre-stage request (technique pre-copy), "cold" with technique
 * cold, on docker; "runc-prestaged", "runc-cold", "post-copy", "hybrid" (pre-staged as
 * runc-prestaged, then only the pages written since cross after the restore) and "adaptive" (the
 * broker's choice) on runc. Their numbers are the saga's own (HandoffCompleted, the journal's step timings), and
 * every byte of them, CRIU's post-copy pages included, crosses the agents' emulated link. "seed004"
 * is seed 004's recipe on the Docker engines directly ({@link Seed004Recipe}), the baseline in the
 * same run. After each run the target must answer (and the memory workload's checksums must
 * agree), or the run counts as failed.
 */
public final class DockerBench {
  private static final Pattern MEMWORK = Pattern.compile("sum=(\\w+) full=(\\w+)");
  static final double MB = 1024.0 * 1024.0;
  /** A pre-stage or a handoff of the 64 MB workload over 5 Mbps takes minutes; this bounds a stuck one. */
  private static final long STEP_DEADLINE_MS = TimeUnit.MINUTES.toMillis(20);
  private static final long CALL_DEADLINE_MS = 10_000;
  /** Methods run on docker sites; the others run on runc sites. */
  static final List<String> DOCKER_METHODS = List.of("prestaged", "cold", "seed004");
  static final List<String> RUNC_METHODS = List.of("runc-prestaged", "runc-cold", "post-copy", "hybrid", "adaptive");
  public static final List<String> METHODS = java.util.stream.Stream.concat(DOCKER_METHODS.stream(), RUNC_METHODS.stream()).toList();
  /** Where the runc sites keep their bundles, images and checkpoints. */
  private static final Path RUNC_ROOT = Path.of("/var/lib/baton/runc/bench");

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
      return new Options(List.of("busybox", "memwork"), links, METHODS, 5, 64, 128, 2_000,
          engineA, engineB, outDir, false, 21);
    }

    public static Options quick(Path outDir, String engineA, String engineB) {
      return new Options(List.of("busybox", "memwork"), List.of(new Link(20, 50), new Link(100, 6)),
          METHODS, 1, 16, 128, 1_000, engineA, engineB, outDir, false, 21);
    }
  }

  /**
   * One run's outcome: handoff time (request to the container serving at the target), downtime
   * (freeze to serving), bytes sent ahead of the request and after it, the final checkpoint's
   * size; for Baton's runs the saga's journal entry.
   */
  public record Run(String app, Link link, String method, int run, double handoffSeconds, double downtimeSeconds,
      long preBytes, long finalBytes, long checkpointBytes, Optional<JournalEntry> journal, String phases, String failure) {
    public boolean ok() {
      return failure == null;
    }

    static Run failed(String app, Link link, String method, int n, String failure) {
      return new Run(app, link, method, n, 0, 0, 0, 0, 0, Optional.empty(), "", failure);
    }

    Run failing(String problem) {
      return new Run(app, link, method, run, handoffSeconds, downtimeSeconds, preBytes, finalBytes, checkpointBytes, journal,
          phases, problem);
    }

    double preMb() {
      return preBytes / MB;
    }
  }

  private final Options options;
  private final PrintStream out;
  private final Map<String, Long> checkpointBytes = new ConcurrentHashMap<>();
  /** What the broker chose for each adaptive handoff, and its model's estimates. */
  private final Map<String, TechniqueChosen> choices = new ConcurrentHashMap<>();
  private LocalMesh mesh;

  public DockerBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public List<Run> run() throws Exception {
    List<String> dockerMethods = options.methods().stream().filter(DOCKER_METHODS::contains).toList();
    List<String> runcMethods = options.methods().stream().filter(RUNC_METHODS::contains).toList();
    int total = options.apps().size() * options.links().size() * options.methods().size() * options.runs();
    out.printf("Docker handoff benchmark: %d runs (%s; %s; %d run(s) each), memwork %d MB dirtied at %d KB/s;"
        + " Baton's handoffs through the broker's saga%n", total, options.apps(), options.methods(), options.runs(),
        options.memoryMb(), options.dirtyKbps());
    List<Run> runs = new ArrayList<>();
    try (DockerEngine engineA = new DockerEngine(options.engineA()); DockerEngine engineB = new DockerEngine(options.engineB());
        ContainerSweep sweep = new ContainerSweep(List.of(engineA, engineB))) {
      Seed004Recipe seed004 = new Seed004Recipe(engineA, engineB);
      if (!dockerMethods.isEmpty()) {
        clean(engineA, engineB);
        // Each site as `baton agent --runtime docker` runs it: its engine probed, containers over the agent's plane.
        runs.addAll(inMesh(DockerSites.runtimes(site -> site.equals("site-a") ? options.engineA() : options.engineB(), site -> 0),
            options.subnet(), dockerMethods, total, runs.size(), seed004, engineA, engineB));
        clean(engineA, engineB);
      }
      if (!runcMethods.isEmpty()) {
        // Each site as `baton agent --runtime runc` runs it, images imported from site-a's Docker Engine.
        RuntimeSettings runc = RuntimeSettings.of(Map.of(RuncRuntimeProvider.STATE_ROOT, RUNC_ROOT.toString(),
            RuncRuntimeProvider.IMAGE_SOURCE, options.engineA()));
        runs.addAll(inMesh(SiteRuntimes.named("runc", runc), options.subnet() + 1, runcMethods, total,
            runs.size(), seed004, engineA, engineB));
      }
    }
    runs.sort(java.util.Comparator.comparingInt((Run r) -> options.apps().indexOf(r.app()))
        .thenComparingInt(r -> options.links().indexOf(r.link()))
        .thenComparingInt(r -> options.methods().indexOf(r.method())));
    DockerBenchTable.write(runs, options, out);
    return runs;
  }

  /** Runs {@code methods} in every cell on a mesh of a broker and two sites with {@code runtimes}, on 127.0.{subnet}.x. */
  private List<Run> inMesh(SiteRuntimes runtimes, int subnet, List<String> methods, int total, int done, Seed004Recipe seed004,
      DockerEngine engineA, DockerEngine engineB) throws Exception {
    List<Run> runs = new ArrayList<>();
    String prefix = "127.0." + subnet + ".";
    MeshLayout layout = new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3), ClusterMember.DEFAULT_PORT, 5683, 7443,
        MqttSettings.off());
    mesh = LocalMesh.start(layout, BrokerConfig.defaults(), runtimes);
    try {
      Vertx bus = mesh.brokerVertx();
      await(bus.eventBus().<SourceFrozen>consumer(Addresses.SOURCE_FROZEN,
          m -> checkpointBytes.put(m.body().handoffId(), m.body().snapshotBytes())).completion());
      await(bus.eventBus().<TechniqueChosen>consumer(Addresses.TECHNIQUE_CHOSEN,
          m -> choices.put(m.body().handoffId(), m.body())).completion());
      LinkTable table = new LinkTable(bus);
      // One unrecorded handoff first: class loading and JIT would otherwise land in the first cell.
      await(table.clear("site-a", "site-b"));
      once(seed004, engineA, engineB, "busybox", new Link(1000, 0), methods.get(0), 0);
      for (String app : options.apps()) {
        for (Link link : options.links()) {
          await(table.set("site-a", "site-b", link.profile()));
          for (String method : methods) {
            for (int n = 1; n <= options.runs(); n++) {
              Run run = once(seed004, engineA, engineB, app, link, method, n);
              runs.add(run);
              out.printf("[%3d/%d] %-7s %5.0f Mbps %2.0f ms %-14s run %d: %s%n", done + runs.size(), total, app, link.mbps(),
                  link.latencyMillis(), method, n, run.ok()
                      ? String.format("handoff %.2f s, downtime %.2f s, pre %.2f MB, final %.2f MB%s", run.handoffSeconds(),
                          run.downtimeSeconds(), run.preMb(), run.finalBytes() / MB,
                          run.journal().map(e -> ", saga " + e.handoffId()).orElse(""))
                      : "FAILED " + run.failure());
              if (options.phases()) {
                out.print(run.phases());
              }
            }
          }
        }
      }
    } finally {
      mesh.close();
      removeRuncContainers();
    }
    return runs;
  }

  private Run once(Seed004Recipe seed004, DockerEngine engineA, DockerEngine engineB, String app, Link link, String method,
      int n) throws Exception {
    if (RUNC_METHODS.contains(method)) {
      cleanRunc();
    } else {
      clean(engineA, engineB);
    }
    // What crosses is what a first handoff to site-b sends.
    mesh.site("site-b").orElseThrow().agent().chunkStore().clear();
    ContainerProfile profile = profile(app);
    String id = app + "-" + method + "-" + n + "-" + System.nanoTime() % 100_000;
    try {
      return method.equals("seed004") ? seed004(seed004, engineA, engineB, profile, app, link, id, n)
          : saga(app, link, method, n, profile, id);
    } catch (Exception e) {
      return Run.failed(app, link, method, n, String.valueOf(e.getMessage()));
    }
  }

  /** Baton: deployed at site-a as {@code baton deploy} does, moved by the broker's saga as a manual migration. */
  private Run saga(String app, Link link, String method, int n, ContainerProfile profile, String id) throws Exception {
    Vertx bus = mesh.brokerVertx();
    await(bus.eventBus().request(ContainerControl.address("site-a", "deploy"), profile.toOptions().put("instanceId", id),
        new DeliveryOptions().setSendTimeout(STEP_DEADLINE_MS)));
    Thread.sleep(options.warmupMillis());
    long preBytes = 0;
    if (method.endsWith("prestaged") || method.equals("hybrid")) {
      preBytes = await(prestage(bus, id)).bytes();
      Thread.sleep(1_000); // the user approaches the new site while the service keeps running
    }
    String technique = switch (method) {
      case "cold", "runc-cold" -> "cold";
      case "post-copy", "hybrid", "adaptive" -> method;
      default -> "pre-copy";
    };
    HandoffCompleted done = await(mesh.broker().handOff(id, "site-b", technique, ManualMigration.TRIGGER));
    Optional<JournalEntry> journal = await(mesh.broker().journal().entries())
        .stream().filter(e -> e.handoffId().equals(done.handoffId())).findFirst();
    Run run = new Run(app, link, method, n, done.handoffMillis() / 1e3, done.downtimeMillis() / 1e3, preBytes,
        done.bytesMoved(), checkpointBytes.getOrDefault(done.handoffId(), 0L), journal,
        journal.map(e -> String.format("  saga %s (%s):%n%s%s", e.handoffId(), technique, ManualMigration.steps(e),
            Optional.ofNullable(choices.get(e.handoffId())).map(c -> String.format("  adaptive chose %s: %s; estimates %s%n",
                c.technique(), c.reason(), c.estimates().encode())).orElse(""))).orElse(""),
        null);
    if (journal.filter(e -> e.status() == JournalEntry.Status.COMPLETED).isEmpty()) {
      return run.failing("handoff " + done.handoffId() + " completed but its journal entry says otherwise: " + journal);
    }
    String problem = checkServes(app, answer -> await(bus.eventBus().<JsonObject>request(ContainerControl.address("site-b", "call"),
        new JsonObject().put("instanceId", id), new DeliveryOptions().setSendTimeout(CALL_DEADLINE_MS))).body()
        .getString("answer", ""));
    return problem == null ? run : run.failing(problem);
  }

  /** What the predictor's planner asks for when it expects the client at site-b, and that pre-stage's outcome. */
  private Future<Prestaged> prestage(Vertx bus, String id) {
    String prestageId = "bench-" + id;
    Promise<Prestaged> staged = Promise.promise();
    MessageConsumer<Prestaged> consumer = bus.eventBus().consumer(Addresses.PRESTAGED, m -> {
      if (m.body().prestageId().equals(prestageId)) {
        staged.tryComplete(m.body());
      }
    });
    long timer = bus.setTimer(STEP_DEADLINE_MS, t -> staged.tryFail("not pre-staged within " + STEP_DEADLINE_MS / 1000 + " s"));
    return consumer.completion()
        .compose(v -> {
          bus.eventBus().publish(Addresses.PRESTAGE_REQUESTED, new PrestageRequested(prestageId, id, "site-a", "site-b",
              List.of(PrestageRequested.MEMORY_PAGES), System.currentTimeMillis() + STEP_DEADLINE_MS));
          return staged.future();
        })
        .eventually(() -> {
          bus.cancelTimer(timer);
          return consumer.unregister();
        });
  }

  /** Seed 004's recipe on the engines themselves: the baseline. */
  private Run seed004(Seed004Recipe recipe, DockerEngine engineA, DockerEngine engineB, ContainerProfile profile, String app,
      Link link, String id, int n) throws Exception {
    // Seed 004 assumes the same image at both ends; copying it is not part of its recipe.
    try (InputStream image = engineA.save(profile.image())) {
      engineB.load(image);
    }
    String container = recipe.run(id, profile);
    Thread.sleep(options.warmupMillis());
    Seed004Recipe.Result result = recipe.migrate(container, id, profile, link.profile());
    StringBuilder phases = new StringBuilder(String.format("  seed 004's recipe:%n"));
    result.phases().forEach(p -> phases.append(String.format("  %-12s %8.3f s%n", p.name(), p.micros() / 1e6)));
    double seconds = result.micros() / 1e6;
    Run run = new Run(app, link, "seed004", n, seconds, seconds, 0, result.archiveBytes(), result.checkpointBytes(),
        Optional.empty(), phases.toString(), null);
    String problem = checkServes(app, answer -> profile.queryCmd().isEmpty() ? engineB.logs(result.containerAtTarget())
        : engineB.exec(result.containerAtTarget(), profile.queryCmd()));
    return problem == null ? run : run.failing(problem);
  }

  /** How a run reads its service's answer at the target (attempt number in, answer out). */
  private interface Answer {
    String read(int attempt) throws Exception;
  }

  /** The target must answer; the memory workload's state must check out page for page. */
  private static String checkServes(String app, Answer answers) throws Exception {
    String answer = "";
    // A restored counter has printed nothing yet in its new container's log until its next tick.
    for (int attempt = 0; attempt < 20 && answer.isBlank(); attempt++) {
      if (attempt > 0) {
        Thread.sleep(100);
      }
      answer = answers.read(attempt);
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

  /** Removes Baton's containers at both runc sites and leaves site-b none of the images: what crosses is what a first handoff sends. */
  private void cleanRunc() {
    for (String site : List.of("site-a", "site-b")) {
      ContainerEngine engine = ((ContainerRuntime) mesh.site(site).orElseThrow().agent().runtime()).engine();
      engine.removeBatonContainers();
      if (site.equals("site-b")) {
        for (String image : List.of("baton/memwork:1", "baton/counter:1")) {
          if (engine.hasImage(image)) {
            engine.removeImage(image);
          }
        }
      }
    }
  }

  /** What a run left at the runc sites once their agents stopped. */
  private static void removeRuncContainers() {
    for (String site : List.of("site-a", "site-b")) {
      try (RuncEngine engine = RuncEngine.open(new RuncEngine.Settings(RUNC_ROOT.resolve(site),
          RuncRuntimeProvider.defaultSubnet(site), EngineDeadlines.DEFAULTS))) {
        engine.removeBatonContainers();
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
