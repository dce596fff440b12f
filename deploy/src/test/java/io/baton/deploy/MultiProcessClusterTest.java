package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The multi-host commands, each in its own JVM as on separate hosts: {@code baton broker} and two
 * {@code baton agent}s joined by a member list. A client attached at site-a reports that site-b is
 * much better; the broker in its own process hands the service over and the client follows.
 */
class MultiProcessClusterTest {
  private static final String MEMBERS = "127.0.5.1:5701,127.0.5.2:5701,127.0.5.3:5701";
  private static final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void startProcesses() throws Exception {
    start("broker up", "broker", "--host", "127.0.5.1", "--members", MEMBERS);
    start("agent site-a serving", "agent", "--site", "site-a", "--host", "127.0.5.2", "--members", MEMBERS, "--mqtt-port", "18836");
    start("agent site-b serving", "agent", "--site", "site-b", "--host", "127.0.5.3", "--members", MEMBERS, "--mqtt-port", "18836");
  }

  @AfterAll
  static void stopProcesses() throws InterruptedException {
    processes.forEach(Process::destroy);
    for (Process process : processes) {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void aBrokerProcessHandsAClientOverBetweenAgentProcesses() throws Exception {
    try (BatonClient client = BatonClient.builder().clientId("tram-9").service("counter").site("coap://127.0.5.2:5683").build()) {
      assertEquals("site-a", client.attachBlocking().site());
      assertEquals(1, client.callBlocking(new JsonObject().put("op", "increment")).result().getLong("value"));

      CompletableFuture<Assignment> redirected = new CompletableFuture<>();
      client.onRedirect(redirected::complete);
      for (int i = 0; i < 20 && !redirected.isDone(); i++) {
        client.report(new TelemetryReport("tram-9", System.currentTimeMillis(), 150, 0, 10, 90,
            Map.of("site-a", -95.0, "site-b", -60.0))).join();
        Thread.sleep(100);
      }
      Assignment now = redirected.get(10, TimeUnit.SECONDS);
      assertEquals("site-b", now.site());
      assertEquals("coap://127.0.5.3:5683", now.coapEndpoint());
      assertEquals(2, now.epoch());

      CallResult after = client.callBlocking(new JsonObject().put("op", "increment"));
      assertEquals("site-b", after.site());
      assertEquals(2, after.result().getLong("value"), "the counter moved with the service");
    }
  }

  /** Starts {@code baton ARGS} in a new JVM and waits for the line that says it is up. */
  private static void start(String readyLine, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"), "io.baton.deploy.cli.BatonCli"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(process);
    CountDownLatch ready = new CountDownLatch(1);
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          if (line.contains(readyLine)) {
            ready.countDown();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(60, TimeUnit.SECONDS)) {
      synchronized (output) {
        throw new AssertionError("'baton " + String.join(" ", args) + "' did not print '" + readyLine + "':\n" + output);
      }
    }
    assertTrue(process.isAlive());
  }
}
