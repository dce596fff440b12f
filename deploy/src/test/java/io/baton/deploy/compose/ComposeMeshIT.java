package io.baton.deploy.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Baton's image and compose file, end to end on a Docker engine of their own: the image is built
 * here from Debian packages and the jar (deploy/image/build-image.sh), docker-compose starts the
 * broker, the predictor and three sites at their fixed addresses, and the demo's vehicle drives
 * past the sites; it must be handed off site-a -> site-b -> site-c with no call lost or run twice.
 * Runs after `package` (failsafe), as it needs the jar.
 */
class ComposeMeshIT {
  private static final Path MODULE = Path.of(System.getProperty("baton.module", ".")).toAbsolutePath().normalize();
  private static final Path JAR = MODULE.resolve("target/baton.jar");
  private static final String ENGINE = System.getenv().getOrDefault("BATON_COMPOSE_DOCKER_HOST",
      "unix:///var/lib/baton/engines/compose/docker.sock");
  private static final String IMAGE = "baton:it";
  private static final List<String> SERVICES = List.of("credentials", "broker", "predictor", "site-a", "site-b", "site-c", "vehicle");
  private static final Pattern REQUESTS = Pattern.compile("Requests\\s+sent\\s+answered\\s+lost\\s+duplicated[^\\n]*\\n\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");

  @Test
  void vehicleIsHandedAcrossTheContainerSitesWithoutLosingACall() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "no " + JAR + ": the test runs after mvn package");
    String socket = ENGINE.replaceFirst("^unix://", "");
    assertTrue(Files.exists(Path.of(socket)), "no engine at " + ENGINE + ": bash deploy/scripts/docker-engine.sh start compose");
    Map<String, String> environment = Map.of("DOCKER_HOST", ENGINE, "BATON_IMAGE", IMAGE, "BATON_NET", FreeSubnet.prefix());

    // The base (debootstrap) takes about a minute the first time on an engine; the jar layer, seconds.
    String built = Deadlined.run(Duration.ofMinutes(10), environment,
        List.of("bash", MODULE.resolve("image/build-image.sh").toString(), ENGINE, JAR.toString()));
    System.out.print(built);

    ComposeProject project = new ComposeProject(MODULE.resolve("compose/docker-compose.yml"), "baton-it", environment);
    project.attempt(Duration.ofMinutes(2), "down", "-v", "--timeout", "5"); // what an interrupted run left
    boolean passed = false;
    try {
      project.compose(Duration.ofMinutes(5), "up", "-d");
      String vehicle = awaitExit(project, Duration.ofMinutes(3));
      String log = project.compose(Duration.ofSeconds(30), "logs", "--no-color", "--no-log-prefix", "vehicle");
      System.out.print(log);
      assertEquals("exited 0", vehicle, "the vehicle's exit");
      assertTrue(log.contains("handoff site-a -> site-b"), "handed from site-a to site-b");
      assertTrue(log.contains("handoff site-b -> site-c"), "handed from site-b to site-c");
      assertTrue(log.contains("vehicle-1 ended at site-c"), "served by site-c at the end");
      Matcher requests = REQUESTS.matcher(log);
      assertTrue(requests.find(), "the vehicle's Requests table");
      long sent = Long.parseLong(requests.group(1));
      assertTrue(sent > 100, "calls sent: " + sent);
      assertEquals(sent, Long.parseLong(requests.group(2)), "calls answered");
      assertEquals(0, Long.parseLong(requests.group(3)), "calls lost");
      assertEquals(0, Long.parseLong(requests.group(4)), "calls duplicated");
      passed = true;
    } finally {
      if (!passed) {
        for (String service : SERVICES) {
          System.out.println("--- " + service + ": " + project.state(service));
          System.out.print(project.attempt(Duration.ofSeconds(30), "logs", "--no-color", "--tail", "150", service).output());
        }
      }
      project.compose(Duration.ofMinutes(2), "down", "-v", "--timeout", "10");
    }
  }

  /** Waits for the vehicle's container to end its drive; returns its state. */
  private static String awaitExit(ComposeProject project, Duration deadline) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    String state = project.state("vehicle");
    while (!state.startsWith("exited")) {
      if (System.nanoTime() > end) {
        throw new AssertionError("the vehicle did not finish its drive within " + deadline.toSeconds() + " s: " + state);
      }
      Thread.sleep(2000);
      state = project.state("vehicle");
    }
    return state;
  }
}
