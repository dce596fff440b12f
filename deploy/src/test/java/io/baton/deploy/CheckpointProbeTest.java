package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.container.CheckpointProbe;
import io.baton.agent.runtime.container.CheckpointProbe.ProbeFailedException;
import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.agent.runtime.container.EngineDeadlines;
import io.baton.deploy.cli.BatonCli;
import io.baton.agent.runtime.docker.DockerRuntimeProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A docker site starts only on an engine that can checkpoint and restore: the probe passes on a
 * sound engine, and on one whose CRIU hangs it fails at the deadline with a one-line reason,
 * leaving no container; `baton agent --runtime docker` then exits with that line and never joins.
 */
class CheckpointProbeTest {
  private static final EngineDeadlines FIVE_SECOND_CRIU = EngineDeadlines.DEFAULTS.withCriu(Duration.ofSeconds(5));
  private static DockerEngine engineA;
  private static StuckCriuEngine stuck;

  @BeforeAll
  static void engines() throws Exception {
    engineA = ContainerEngines.open(ContainerEngines.engine("a"));
    stuck = StuckCriuEngine.start(engineA, List.of(CheckpointProbe.DEFAULT_IMAGE));
  }

  @AfterAll
  static void stopEngines() throws Exception {
    stuck.close();
    engineA.close();
  }

  @Test
  void aSoundEngineCheckpointsAndRestoresTheProbeAndKeepsNothing() {
    long millis = CheckpointProbe.run(engineA, CheckpointProbe.DEFAULT_IMAGE);
    System.out.printf("checkpoint probe on %s: %d ms%n", engineA.host(), millis);
    assertEquals(List.of(), engineA.batonContainers());
  }

  @Test
  void anEngineWhoseCriuHangsFailsTheProbeAtTheDeadlineInOneLine() throws Exception {
    stuck.hang(true);
    try {
      long start = System.nanoTime();
      ProbeFailedException refused = assertThrows(ProbeFailedException.class,
          () -> DockerRuntimeProvider.probedEngine(StuckCriuEngine.host(), FIVE_SECOND_CRIU, CheckpointProbe.DEFAULT_IMAGE));
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("probe refused in %d ms: %s%n", millis, refused.getMessage());
      assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
      assertTrue(refused.getMessage().contains("cannot checkpoint and restore"), refused.getMessage());
      assertTrue(refused.getMessage().contains("did not finish within 5 s"), refused.getMessage());
      assertTrue(millis < 5_000 + 30_000, "refused after " + millis + " ms");
      assertEquals(List.of(), stuck.engine().batonContainers(), "the probe container is gone");
      assertEquals(0, StuckCriuEngine.runcStillWorking());
    } finally {
      stuck.hang(false);
    }
  }

  @Test
  void anAgentOnSuchAnEngineRefusesToStartWithTheReason() throws Exception {
    Path credentials = Files.createTempDirectory("baton-probe-creds");
    assertEquals(0, new CommandLine(new BatonCli()).execute("credentials", "--dir", credentials.toString(),
        "--member", "site-p", "--address", "127.0.76.2"));
    stuck.hang(true);
    try {
      Process agent = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
          "-cp", System.getProperty("java.class.path"), BatonCli.class.getName(), "agent", "--site", "site-p",
          "--host", "127.0.76.2", "--members", "127.0.76.2:5701", "--credentials", credentials.toString(),
          "--runtime", "docker", "--docker-host", StuckCriuEngine.host(), "--engine-deadlines", "checkpoint=5,restore=5")
          .redirectErrorStream(true).start();
      assertTrue(agent.waitFor(90, TimeUnit.SECONDS), "the agent neither started nor refused within 90 s");
      String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      System.out.print(output);
      assertNotEquals(0, agent.exitValue(), output);
      List<String> refusal = output.lines().filter(line -> line.startsWith("baton: ")).toList();
      assertEquals(1, refusal.size(), output);
      assertTrue(refusal.get(0).contains("cannot checkpoint and restore a container"), output);
      assertFalse(output.contains("serving CoAP"), "the agent never served: " + output);
      assertEquals(List.of(), stuck.engine().batonContainers(), "the probe container is gone");
    } finally {
      stuck.hang(false);
    }
  }
}
