package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.deploy.cli.BatonCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code baton bench clients} as a user runs it, kept tiny: it must run both transports, move its
 * movers without losing or repeating a call, and print its table. Its numbers are not judged here.
 */
class BenchCommandTest {

  @Test
  void theClientsBenchRunsBothTransportsAndPrintsItsTable() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new BatonCli()).execute("bench", "clients", "--clients", "20", "--movers", "2", "--seconds", "1",
          "--crowd", "0", "--host-prefix", "127.0.65.", "--mqtt-port", "18835");
    } finally {
      System.setOut(stdout);
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, "no call lost or run twice\n" + output);
    assertTrue(output.contains("Clients benchmark"), output);
    assertTrue(output.lines().anyMatch(line -> line.trim().startsWith("coap ") && line.contains(" 20 ")), output);
    assertTrue(output.lines().anyMatch(line -> line.trim().startsWith("mqtt ") && line.contains(" 20 ")), output);
  }
}
