package io.baton.agent.runtime.runc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.container.ContainerProfile;
import io.baton.agent.runtime.container.EngineDeadlines;
import io.baton.agent.runtime.container.EngineDeadlines.EngineDeadlineException;
import io.baton.agent.runtime.container.TestEngines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A runc site whose CRIU hangs (as Debian 13's CRIU 4.1 hangs in every dump on kernel 6.18): a
 * `criu` of the test's own runs the real one until a flag file exists, then never returns. Past
 * the checkpoint deadline the dump is ended and the container runs on, thawed, with its state; past
 * the restore deadline the restore is ended and the half-made container can be removed, leaving
 * nothing behind.
 */
class RuncDeadlinesTest {
  private static final Pattern ANSWER = Pattern.compile("counter=(\\d+) steps=(\\d+) sum=(\\w+) full=(\\w+)");
  private static final ContainerProfile MEMWORK = new ContainerProfile("baton/memwork:1",
      List.of("/usr/bin/memwork", "serve", "--mb", "8", "--dirty-kbps", "64"), 1.0, 72, List.of("/usr/bin/memwork", "query"));
  private static final Duration CRIU_DEADLINE = Duration.ofSeconds(3);

  private static Path hang;
  private static RuncEngine site;

  @BeforeAll
  static void openStuckSite() throws Exception {
    Path bin = Files.createTempDirectory("baton-runc-stuck-criu");
    hang = bin.resolve("hang");
    Path criu = bin.resolve("criu");
    Files.writeString(criu, "#!/bin/sh\n"
        + "if [ -e '" + hang + "' ]; then exec sleep 3600; fi\n"
        + "exec criu \"$@\"\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(criu, PosixFilePermissions.fromString("rwxr-xr-x"));
    // Site a's images and network, its own CRIU and short CRIU deadlines.
    TestEngines.runc("a").close();
    site = RuncEngine.open(TestEngines.runcSettings("a").withCriu(criu.toString(),
        EngineDeadlines.DEFAULTS.withCriu(CRIU_DEADLINE)));
  }

  @AfterEach
  void clear() throws Exception {
    Files.deleteIfExists(hang);
    site.removeBatonContainers();
  }

  @AfterAll
  static void close() {
    site.close();
  }

  @Test
  void aCheckpointPastItsDeadlineIsEndedAndTheContainerRunsOnWithItsState() throws Exception {
    String id = site.create("baton-stuck", MEMWORK);
    site.start(id);
    Thread.sleep(300);
    Matcher before = query(id);
    Files.createFile(hang);

    long start = System.nanoTime();
    EngineDeadlineException late = assertThrows(EngineDeadlineException.class, () -> site.checkpoint(id, "stuck", true));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(late.getMessage().contains("did not finish within 3000 ms"), late.getMessage());
    assertTrue(tookMillis < CRIU_DEADLINE.toMillis() + 5_000, "gave up after " + tookMillis + " ms");
    assertTrue(site.running(id), "the container runs on");
    assertFalse(site.frozen(id), "and is not left frozen");
    Matcher after = query(id);
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)));
    assertEquals(after.group(3), after.group(4));
    assertTrue(stuckRuncs(id).isEmpty(), "no runc is left working on it: " + stuckRuncs(id));
  }

  @Test
  void aRestorePastItsDeadlineIsEndedAndTheContainerIsRemovedWholly() throws Exception {
    String id = site.create("baton-stuck", MEMWORK);
    site.start(id);
    Thread.sleep(300);
    site.checkpoint(id, "final", true);
    Files.createFile(hang);

    EngineDeadlineException late = assertThrows(EngineDeadlineException.class, () -> site.startFromCheckpoint(id, "final"));

    assertTrue(late.getMessage().contains("restore"), late.getMessage());
    assertFalse(site.running(id));
    site.remove(id);
    assertTrue(site.batonContainers().isEmpty(), "nothing of the container is left");
    assertTrue(stuckRuncs(id).isEmpty(), "no runc is left working on it: " + stuckRuncs(id));
  }

  private static Matcher query(String id) {
    String answer = site.exec(id, MEMWORK.queryCmd());
    Matcher matcher = ANSWER.matcher(answer);
    assertTrue(matcher.find(), answer);
    return matcher;
  }

  /** runc processes checkpointing or restoring the container (not the console shim that holds its stdio). */
  private static List<String> stuckRuncs(String id) {
    return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/runc"))
        .map(p -> p.info().commandLine().orElse(""))
        .filter(line -> line.contains(id) && (line.contains(" checkpoint ") || line.contains(" restore "))).toList();
  }
}
