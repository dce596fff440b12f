package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.journal.JournalEntry;
import io.baton.deploy.bench.DockerBench;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code baton bench docker}, kept tiny (the busybox counter, one link, one run per method): Baton's
 * rows are handoffs by the broker's saga, each with its journal entry, on docker sites and (hybrid)
 * on runc sites, and seed 004's baseline runs beside them in the same run; the phases table splits
 * each saga row's time by step. Its numbers are not judged here.
 */
class DockerBenchTest {

  @Test
  void batonsRowsAreSagaHandoffsAndSeed004RunsBesideThem() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    DockerBench.Options options = new DockerBench.Options(List.of("busybox"), List.of(new DockerBench.Link(100, 6)),
        List.of("prestaged", "cold", "seed004", "hybrid", "adaptive"), 1, 16, 128, 500, ContainerEngines.engine("a"), ContainerEngines.engine("b"),
        null, true, 78);

    List<DockerBench.Run> runs = new DockerBench(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

    String output = printed.toString(StandardCharsets.UTF_8);
    assertEquals(5, runs.size(), output);
    assertTrue(runs.stream().allMatch(DockerBench.Run::ok), output);
    for (DockerBench.Run run : List.of(runs.get(0), runs.get(1), runs.get(3))) {
      JournalEntry entry = run.journal().orElseThrow(() -> new AssertionError(run.method() + " has no saga journal entry"));
      assertEquals(JournalEntry.Status.COMPLETED, entry.status(), entry.toString());
      assertEquals("manual", entry.request().trigger());
      assertEquals(List.of("site-a", "site-b"), List.of(entry.request().sourceSite(), entry.request().targetSite()));
      assertTrue(entry.steps().stream().anyMatch(s -> s.step().equals("freeze")), entry.steps().toString());
      assertTrue(run.downtimeSeconds() > 0 && run.downtimeSeconds() <= run.handoffSeconds(), run.toString());
    }
    assertTrue(runs.get(0).preBytes() > 0, "prestaged: sent ahead of the request " + runs.get(0));
    assertEquals("cold", runs.get(1).journal().orElseThrow().request().technique());
    assertTrue(runs.get(2).journal().isEmpty() && runs.get(2).finalBytes() > 0, "seed 004 copies its archive: " + runs.get(2));
    assertEquals("hybrid", runs.get(3).journal().orElseThrow().request().technique());
    assertTrue(runs.get(3).preBytes() > 0, "hybrid: pre-staged ahead of the request " + runs.get(3));
    // Adaptive on runc: the container model's estimates (post-copy and hybrid offered) picked the technique.
    String chose = output.lines().filter(line -> line.contains("adaptive chose")).findFirst().orElseThrow(() -> new AssertionError(output));
    assertTrue(chose.contains("\"post-copy\"") && chose.contains("\"hybrid\""), chose);
    assertEquals(runs.get(4).journal().orElseThrow().request().technique(), chose.split(" ")[4].replace(":", ""), chose);
    assertTrue(runs.get(3).journal().orElseThrow().steps().stream().anyMatch(s -> s.step().equals("await-pages")));
    for (String method : List.of("prestaged", "cold", "seed004", "hybrid")) {
      assertTrue(output.lines().anyMatch(line -> line.startsWith("| busybox | 100 Mbps | 6 ms | " + method + " |")), output);
    }
    assertTrue(output.lines().anyMatch(line -> line.startsWith("| busybox | 100 Mbps | 6 ms | hybrid | ")
        && line.split("\\|").length == 13), "a phases row for hybrid: " + output);
  }
}
