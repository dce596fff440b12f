package io.baton.deploy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Medians per configuration and technique, as a table on the console and as CSV of every run. */
final class ResultsReport {
  private final List<RunResult> results;

  ResultsReport(List<RunResult> results) {
    this.results = List.copyOf(results);
  }

  /** Groups by "config / requested technique" in the order they ran. */
  Map<String, List<RunResult>> groups() {
    Map<String, List<RunResult>> groups = new LinkedHashMap<>();
    results.forEach(r -> groups.computeIfAbsent(r.config() + " / " + r.requested(), k -> new ArrayList<>()).add(r));
    return groups;
  }

  void printTable(PrintStream out) {
    StringBuilder header = new StringBuilder(String.format("%-16s %-10s %4s", "config/technique", "ran as", "ok"));
    Column.ALL.forEach(c -> header.append(String.format(" %" + Math.max(8, c.header().length()) + "s", c.header())));
    out.println(header);
    groups().forEach((group, runs) -> {
      List<RunResult> ok = runs.stream().filter(RunResult::ok).toList();
      String ranAs = ok.stream().map(RunResult::technique).distinct().collect(Collectors.joining("+"));
      StringBuilder line = new StringBuilder(String.format("%-16s %-10s %4s", group, ranAs.isEmpty() ? "-" : ranAs, ok.size() + "/" + runs.size()));
      for (Column column : Column.ALL) {
        String cell = ok.isEmpty() ? "-" : String.format(column.format(), median(ok, column));
        line.append(String.format(" %" + Math.max(8, column.header().length()) + "s", cell));
      }
      out.println(line);
    });
    results.stream().filter(r -> !r.ok()).forEach(r -> out.println("  failed: " + r.config() + " / " + r.requested()
        + " run " + r.run() + ": " + r.failure()));
  }

  static double median(List<RunResult> runs, Column column) {
    double[] values = runs.stream().mapToDouble(column.value()).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  void writeCsv(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("config,requested,technique,run,ok," + Column.ALL.stream().map(Column::header).collect(Collectors.joining(","))
        + ",failure");
    for (RunResult r : results) {
      StringBuilder line = new StringBuilder(String.join(",", r.config(), r.requested(), r.technique(), Integer.toString(r.run()),
          Boolean.toString(r.ok())));
      for (Column column : Column.ALL) {
        line.append(',').append(r.ok() ? String.format(java.util.Locale.ROOT, "%.6f", column.value().applyAsDouble(r)) : "");
      }
      line.append(',').append(r.ok() ? "" : '"' + r.failure().replace('"', '\'') + '"');
      lines.add(line.toString());
    }
    Files.write(file, lines);
  }
}
