package io.baton.deploy.bench;

import io.baton.broker.journal.JournalEntry;
import io.baton.deploy.bench.DockerBench.Link;
import io.baton.deploy.bench.DockerBench.Run;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's summary in seed 002's Table 3 shape: per workload, link and method, the mean
 * handoff time and downtime with their relative standard deviation, and the mean pre-transfer and
 * final-transfer sizes (Baton's rows from the saga's HandoffCompleted, seed 004's from its own
 * recipe). Printed, and written as markdown and CSV next to each other; the CSV names each Baton
 * run's saga handoff, whose steps are in the broker's journal.
 */
final class DockerBenchTable {
  private DockerBenchTable() {
  }

  private record Key(String app, Link link, String method) {
  }

  static void write(List<Run> runs, DockerBench.Options options, PrintStream out) throws IOException {
    Map<Key, List<Run>> groups = new LinkedHashMap<>();
    runs.forEach(r -> groups.computeIfAbsent(new Key(r.app(), r.link(), r.method()), k -> new ArrayList<>()).add(r));
    StringBuilder md = new StringBuilder();
    md.append("| app | bandwidth | latency | method | handoff time | downtime | pre-transfer | final transfer | ok runs |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    StringBuilder csv = new StringBuilder("app,mbps,latency_ms,method,run,ok,handoff_s,downtime_s,pre_mb,final_mb,checkpoint_mb,saga_handoff,failure\n");
    for (Map.Entry<Key, List<Run>> group : groups.entrySet()) {
      Key key = group.getKey();
      List<Run> ok = group.getValue().stream().filter(Run::ok).toList();
      md.append(String.format("| %s | %.0f Mbps | %.0f ms | %s | %s | %s | %s | %s | %d/%d |%n", key.app(), key.link().mbps(),
          key.link().latencyMillis(), key.method(),
          meanRsd(ok, Run::handoffSeconds, "s"), meanRsd(ok, Run::downtimeSeconds, "s"),
          mean(ok, Run::preMb), mean(ok, r -> r.finalBytes() / DockerBench.MB), ok.size(), group.getValue().size()));
      for (Run r : group.getValue()) {
        csv.append(String.format("%s,%.0f,%.0f,%s,%d,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%s,%s%n", r.app(), r.link().mbps(),
            r.link().latencyMillis(), r.method(), r.run(), r.ok(), r.handoffSeconds(), r.downtimeSeconds(), r.preMb(),
            r.finalBytes() / DockerBench.MB, r.checkpointBytes() / DockerBench.MB,
            r.journal().map(e -> e.handoffId()).orElse(""),
            r.failure() == null ? "" : '"' + r.failure().replace('"', '\'') + '"'));
      }
    }
    String header = String.format("Docker handoff, %d run(s) per cell; memwork %d MB dirtied at %d KB/s; MB = 2^20 bytes;"
        + " latency is the emulated round-trip time; prestaged and cold are handoffs by the broker's saga (manual migration)"
        + " on docker sites, runc-prestaged, runc-cold, post-copy, hybrid and adaptive on runc sites, seed004 the seed's"
        + " checkpoint-copy-restore.%n%n", options.runs(), options.memoryMb(), options.dirtyKbps());
    String phases = phases(groups);
    out.println();
    out.print(header);
    out.print(md);
    out.println();
    out.print(phases);
    if (options.outDir() != null) {
      DockerBench.writeFile(options.outDir().resolve("docker.md"), header + md + "\n" + phases);
      DockerBench.writeFile(options.outDir().resolve("docker.csv"), csv.toString());
      out.println("wrote " + options.outDir().resolve("docker.md") + " and docker.csv");
    }
  }

  /** The saga's steps whose time is the downtime (freeze to serving), then those after the client moved. */
  private static final List<String> DOWNTIME_STEPS = List.of("freeze", "transfer", "restore");
  private static final List<String> AFTER_STEPS = List.of("await-pages", "release");

  /**
   * Where the time of Baton's handoffs goes: per cell and method, the mean duration of each saga
   * step as the broker's journal timed it. Freeze, transfer and restore make the downtime; pre-copy
   * runs before it, await-pages (a post-copy's memory still crossing) and release after it; total is
   * the request to the source's release, a post-copy's memory included (its handoff time in the
   * table above ends when the target serves).
   */
  private static String phases(Map<Key, List<Run>> groups) {
    StringBuilder md = new StringBuilder("Where the time goes (mean ms per saga step, from the broker's journal):\n\n");
    md.append("| app | bandwidth | latency | method | pre-copy | freeze | transfer | restore | = downtime | await-pages | release | total |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<Key, List<Run>> group : groups.entrySet()) {
      List<Run> journaled = group.getValue().stream().filter(r -> r.ok() && r.journal().isPresent()).toList();
      if (journaled.isEmpty()) {
        continue;
      }
      Key key = group.getKey();
      md.append(String.format("| %s | %.0f Mbps | %.0f ms | %s | %s", key.app(), key.link().mbps(), key.link().latencyMillis(),
          key.method(), stepMillis(journaled, "pre-copy")));
      for (String step : DOWNTIME_STEPS) {
        md.append(" | ").append(stepMillis(journaled, step));
      }
      md.append(String.format(" | %.0f", journaled.stream().mapToDouble(Run::downtimeSeconds).average().orElse(0) * 1000));
      for (String step : AFTER_STEPS) {
        md.append(" | ").append(stepMillis(journaled, step));
      }
      md.append(String.format(" | %.0f |%n", journaled.stream().mapToDouble(r -> {
        JournalEntry entry = r.journal().orElseThrow();
        return entry.steps().stream().mapToLong(s -> s.endedAtMs()).max().orElse(0) - entry.request().requestedAtMs();
      }).average().orElse(0)));
    }
    return md.toString();
  }

  private static String stepMillis(List<Run> runs, String step) {
    return String.format("%.0f", runs.stream().mapToDouble(r -> r.journal().orElseThrow().steps().stream()
        .filter(s -> s.step().equals(step)).mapToDouble(s -> s.durationMs()).sum()).average().orElse(0));
  }

  private static String meanRsd(List<Run> runs, ToDoubleFunction<Run> value, String unit) {
    if (runs.isEmpty()) {
      return "-";
    }
    double mean = runs.stream().mapToDouble(value).average().orElse(0);
    double variance = runs.stream().mapToDouble(r -> Math.pow(value.applyAsDouble(r) - mean, 2)).sum() / runs.size();
    return runs.size() < 2 || mean == 0 ? String.format("%.2f %s", mean, unit)
        : String.format("%.2f %s (%.0f%%)", mean, unit, 100 * Math.sqrt(variance) / mean);
  }

  private static String mean(List<Run> runs, ToDoubleFunction<Run> value) {
    return runs.isEmpty() ? "-" : String.format("%.2f MB", runs.stream().mapToDouble(value).average().orElse(0));
  }
}
