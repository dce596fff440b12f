package io.baton.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.MqttSettings;
import io.baton.broker.BrokerConfig;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshCredentials;
import io.baton.deploy.mesh.MeshLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `baton example vehicle|ar`, as the README tells a reader to run them against `baton demo --stay`
 * (here a secured mesh of the same shape on 127.0.160.11-14): each drives past the sites with its
 * defaults and exits 0, which each example does only when nothing was lost or done twice.
 */
class ExampleCommandTest {
  private static final String PREFIX = "127.0.160.";
  private static final int MQTT_PORT = 19134;

  @TempDir
  static Path dir;
  private static LocalMesh mesh;

  @BeforeAll
  static void startMesh() {
    MeshLayout layout = new MeshLayout(PREFIX + 11, List.of(PREFIX + 12, PREFIX + 13, PREFIX + 14), 19131, 19132, 19133,
        MqttSettings.embedded(MQTT_PORT));
    MeshCredentials credentials = MeshCredentials.in(dir);
    mesh = LocalMesh.start(layout, BrokerConfig.defaults(), Optional.empty(), credentials);
    assertEquals(0, BatonCli.commandLine(Map.of()).execute("credentials", "--dir", dir.toString(), "--client", "truck-42,glasses-7"));
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void theVehicleExampleRunsFromTheBatonCommand() {
    String printed = run("example", "vehicle", "--broker", "ssl://" + PREFIX + "12:" + MQTT_PORT, "--credentials", dir.toString());
    assertTrue(printed.contains("truck-42 attached at site-a over MQTT") && printed.contains("service moved site-a -> site-b"), printed);
  }

  @Test
  void theArExampleRunsFromTheBatonCommand() {
    String printed = run("example", "ar", "--site", "coaps://" + PREFIX + "12:19132", "--credentials", dir.toString());
    assertTrue(printed.contains("glasses-7 attached at site-a over CoAP") && printed.contains("session moved site-a -> site-b"), printed);
  }

  /** Runs `baton ARGS` here, expecting exit 0; returns what it printed. */
  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      exit = BatonCli.commandLine(Map.of()).execute(args);
    } finally {
      System.setOut(original);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertEquals(0, exit, printed);
    return printed;
  }
}
