package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.client.BatonClient;
import io.baton.protocol.security.ClientCredentials;
import io.baton.client.CallResult;
import io.baton.deploy.cli.BatonCli;
import io.baton.deploy.mesh.BatonProcess;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The multi-host commands, each in its own JVM as on separate hosts: {@code baton broker} and two
 * {@code baton agent}s joined by a member list. A client attached at site-a reports that site-b is
 * much better; the broker in its own process hands the service over and the client follows.
 */
class MultiProcessClusterTest {
  private static final String MEMBERS = "127.0.5.1:5701,127.0.5.2:5701,127.0.5.3:5701";
  private static final List<BatonProcess> processes = new ArrayList<>();

  @TempDir
  static Path credentials;

  /** As an operator would: `baton credentials` first, then each member with its own name. */
  @BeforeAll
  static void startProcesses() throws Exception {
    assertEquals(0, new CommandLine(new BatonCli()).execute("credentials", "--dir", credentials.toString(),
        "--member", "broker,site-a,site-b", "--address", "127.0.5.1,127.0.5.2,127.0.5.3", "--client", "tram-9"));
    String dir = credentials.toString();
    start("broker up", "broker", "--host", "127.0.5.1", "--members", MEMBERS, "--credentials", dir);
    start("agent site-a serving", "agent", "--site", "site-a", "--host", "127.0.5.2", "--members", MEMBERS, "--mqtt-port", "18836",
        "--credentials", dir);
    start("agent site-b serving", "agent", "--site", "site-b", "--host", "127.0.5.3", "--members", MEMBERS, "--mqtt-port", "18836",
        "--credentials", dir);
  }

  @AfterAll
  static void stopProcesses() throws InterruptedException {
    for (BatonProcess process : processes) {
      process.close();
    }
  }

  @Test
  void aBrokerProcessHandsAClientOverBetweenAgentProcesses() throws Exception {
    try (BatonClient client = BatonClient.builder().clientId("tram-9")
        .credentials(ClientCredentials.load(credentials, "tram-9")).service("counter").site("coaps://127.0.5.2:5683").build()) {
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
      assertEquals("coaps://127.0.5.3:5683", now.coapEndpoint());
      assertEquals(2, now.epoch());

      CallResult after = client.callBlocking(new JsonObject().put("op", "increment"));
      assertEquals("site-b", after.site());
      assertEquals(2, after.result().getLong("value"), "the counter moved with the service");
    }
  }

  private static void start(String readyLine, String... args) throws Exception {
    processes.add(BatonProcess.start(readyLine, args));
  }
}
