package io.baton.deploy.bench;

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
        + " latency is the emulated round-trip time; prestaged and cold are handoffs by the broker's saga (manual migration),"
        + " seed004 the seed's checkpoint-copy-restore.%n%n", options.runs(), options.memoryMb(), options.dirtyKbps());
    out.println();
    out.print(header);
    out.print(md);
    if (options.outDir() != null) {
      DockerBench.writeFile(options.outDir().resolve("docker.md"), header + md);
      DockerBench.writeFile(options.outDir().resolve("docker.csv"), csv.toString());
      out.println("wrote " + options.outDir().resolve("docker.md") + " and docker.csv");
    }
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
