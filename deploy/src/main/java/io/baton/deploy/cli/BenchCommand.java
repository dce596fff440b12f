package io.baton.deploy.cli;

import io.baton.deploy.bench.ClientsBench;
import io.baton.deploy.bench.LinkConfig;
import io.baton.deploy.bench.MigrationBench;
import io.baton.deploy.mesh.MeshLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks; prints a table.",
    subcommands = {BenchCommand.Clients.class, BenchCommand.Migration.class, BenchCommand.Failover.class,
        PredictorBenchCommand.class, DockerBenchCommand.class, SoakBenchCommand.class})
final class BenchCommand {

  @Command(name = "failover", mixinStandardHelpOptions = true,
      description = "Kills (SIGKILL) the broker process that owns a handoff at a saga step; times the takeover to the handoff's end.")
  static final class Failover implements Callable<Integer> {
    @Option(names = "--runs", description = "handoffs, each losing its broker (default ${DEFAULT-VALUE})", defaultValue = "10")
    int runs;

    @Option(names = "--host-prefix", description = "the mesh's loopback /24 (default ${DEFAULT-VALUE}: sites .2-.3, brokers .11-.29)",
        defaultValue = "127.0.41.")
    String prefix;

    @Override
    public Integer call() throws Exception {
      System.setProperty("org.slf4j.simpleLogger.log.io.baton", "error");
      if (runs < 1 || runs > 17) {
        throw new IllegalArgumentException("--runs must be 1 to 17 (each run uses up one broker address)");
      }
      return new io.baton.deploy.bench.FailoverBench(runs, prefix, System.out).run() ? 0 : 1;
    }
  }

  @Command(name = "clients", mixinStandardHelpOptions = true,
      description = "N simulated clients (CoAP and MQTT) report to one agent while a sample of them is handed across three sites.")
  static final class Clients implements Callable<Integer> {
    @Option(names = "--quick", description = "a short run (3 s windows, 5 movers)")
    boolean quick;

    @Option(names = "--clients", split = ",", description = "client counts (default 100,1000,5000)")
    List<Integer> clients;

    @Option(names = "--movers", description = "most clients moved per run (default 20, quick 5)")
    Integer movers;

    @Option(names = "--seconds", description = "measured window per run (default 10, quick 3)")
    Integer seconds;

    @Option(names = "--offered", split = ",", description = "also run each N open loop at these telemetry rates "
        + "(reports/s in all), e.g. 8000: a rate above what the agent takes shows it shedding")
    List<Double> offered;

    @Option(names = "--crowd", split = ",", description = "movers of the extra rows at 1,000 clients (default 50; quick none; 0: none)")
    List<Integer> crowd;

    @Option(names = "--transports", split = ",", description = "coap, mqtt or both (default both)")
    List<String> transports;

    @Option(names = "--host-prefix", description = "the mesh's loopback /24 (default ${DEFAULT-VALUE}: broker .1, sites .2-.4)",
        defaultValue = "127.0.10.")
    String prefix;

    @Option(names = "--mqtt-port", description = "port of the sites' shared Mosquitto, on the broker's address (default ${DEFAULT-VALUE})",
        defaultValue = "1883")
    int mqttPort;


    @Override
    public Integer call() {
      System.setProperty("org.slf4j.simpleLogger.log.io.baton", "warn");
      ClientsBench.Options options = quick ? ClientsBench.Options.quick() : ClientsBench.Options.full();
      if ((clients != null && clients.stream().anyMatch(n -> n < 1)) || (movers != null && movers < 1)
          || (seconds != null && seconds < 1) || (offered != null && offered.stream().anyMatch(r -> !(r > 0)))) {
        throw new IllegalArgumentException("client counts, movers, seconds and offered rates must be positive");
      }
      if (crowd != null) {
        crowd = crowd.stream().filter(n -> n != 0).toList();
        if (crowd.stream().anyMatch(n -> n < 0)) {
          throw new IllegalArgumentException("--crowd takes mover counts, 0 for none: " + crowd);
        }
      }
      if (transports != null && !List.of("coap", "mqtt").containsAll(transports)) {
        throw new IllegalArgumentException("transports are coap and mqtt, got " + transports);
      }
      options = new ClientsBench.Options(clients == null ? options.clientCounts() : clients,
          movers == null ? options.maxMovers() : movers, options.moverCallHz(),
          seconds == null ? options.window() : Duration.ofSeconds(seconds),
          transports == null ? options.transports() : transports, offered == null ? options.offeredRates() : offered,
          crowd == null ? options.crowdMovers() : crowd);
      MeshLayout layout = MeshLayout.onPrefix(prefix);
      List<ClientsBench.Row> rows = new ClientsBench(options, System.out).run(layout, mqttPort);
      return rows.stream().allMatch(r -> r.lost() == 0 && r.duplicated() == 0) ? 0 : 1;
    }
  }

  @Command(name = "migration", mixinStandardHelpOptions = true,
      description = "Seed 000's configurations A-D: cold, pre-copy, post-copy, hybrid and adaptive, side by side.")
  static final class Migration implements Callable<Integer> {
    @Option(names = "--quick", description = "1.5 MB, one run each: under a minute")
    boolean quick;

    @Option(names = "--runs", description = "runs per configuration and technique (default: 5, or 1 with --quick)")
    Integer runs;

    @Option(names = "--size-mb", description = "state size in MB (default: 75, or 1.5 with --quick)")
    Double sizeMb;

    @Option(names = "--configs", split = ",", description = "which of A,B,C,D (default: all)")
    List<String> configs;

    @Option(names = "--techniques", split = ",", description = "which of cold,pre-copy,post-copy,hybrid,adaptive (default: all)")
    List<String> techniques;

    @Option(names = "--out", description = "where to write migration.csv and migration.png (default ${DEFAULT-VALUE})",
        defaultValue = "bench-results")
    Path out;

    @Option(names = "--subnet", description = "members bind 127.0.N.1-3 (default ${DEFAULT-VALUE})", defaultValue = "7")
    int subnet;

    @Override
    public Integer call() throws Exception {
      System.setProperty("org.slf4j.simpleLogger.log.io.baton", "warn");
      MigrationBench.Options base = quick ? MigrationBench.Options.quick(out) : MigrationBench.Options.full(out);
      List<LinkConfig> chosen = configs == null ? base.configs()
          : base.configs().stream().filter(c -> configs.contains(c.name())).toList();
      if (chosen.isEmpty()) {
        throw new IllegalArgumentException("no configuration among " + configs + "; use A, B, C or D");
      }
      List<String> chosenTechniques = techniques == null ? base.techniques()
          : base.techniques().stream().filter(techniques::contains).toList();
      if (chosenTechniques.isEmpty()) {
        throw new IllegalArgumentException("no technique among " + techniques + "; use " + base.techniques());
      }
      MigrationBench.Options options = new MigrationBench.Options(chosen, chosenTechniques, runs == null ? base.runs() : runs,
          sizeMb == null ? base.sizeMb() : sizeMb, base.warmupMillis(), out, subnet);
      boolean allOk = new MigrationBench(options, System.out).run().stream().allMatch(io.baton.deploy.bench.RunResult::ok);
      return allOk ? 0 : 1;
    }
  }
}
