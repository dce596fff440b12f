package io.baton.deploy.cli;

import io.baton.deploy.bench.LinkConfig;
import io.baton.deploy.bench.MigrationBench;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print tables.",
    subcommands = {BenchCommand.Migration.class})
final class BenchCommand {

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
      MigrationBench.Options options = new MigrationBench.Options(chosen, base.techniques(), runs == null ? base.runs() : runs,
          sizeMb == null ? base.sizeMb() : sizeMb, base.warmupMillis(), out, subnet);
      boolean allOk = new MigrationBench(options, System.out).run().stream().allMatch(io.baton.deploy.bench.RunResult::ok);
      return allOk ? 0 : 1;
    }
  }
}
