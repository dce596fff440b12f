package io.baton.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.deploy.ops.RunningMember;
import io.vertx.core.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A broker, an agent and a predictor, each started by its `baton` command (configured through
 * BATON_* variables, as in a container) on 127.0.160.1-3: each answers GET /healthz/ready with 503
 * while it joins, 200 once it serves, and 503 again from the moment it begins to stop; /healthz/live
 * is 200 while its event loops answer and 503 while one is stuck.
 */
class HealthEndpointsTest {
  private static final String PREFIX = "127.0.160.";
  private static final int CLUSTER_PORT = 19101;
  private static final int HEALTH_PORT = 19110;
  private static final String MEMBERS = PREFIX + "1:" + CLUSTER_PORT + "," + PREFIX + "2:" + CLUSTER_PORT + "," + PREFIX + "3:" + CLUSTER_PORT;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  static Path dir;
  private static Map<String, String> environment;

  @BeforeAll
  static void credentials() throws Exception {
    assertEquals(0, BatonCli.commandLine(Map.of()).execute("credentials", "--dir", dir.toString(),
        "--member", "broker,site-a,predictor", "--address", PREFIX + "1," + PREFIX + "2," + PREFIX + "3"));
    Files.writeString(dir.resolve("sites.json"), "[{\"id\": \"site-a\", \"x\": 0, \"y\": 0, \"txPowerDbm\": 20, \"pathLossExponent\": 3}]");
    environment = new HashMap<>(Map.of("BATON_MEMBERS", MEMBERS, "BATON_CLUSTER_PORT", "" + CLUSTER_PORT,
        "BATON_CREDENTIALS", dir.toString(), "BATON_HEALTH_PORT", "" + HEALTH_PORT));
  }

  @Test
  void eachMemberIsReadyOnlyBetweenJoiningAndStopping() throws Exception {
    BrokerCommand brokerCommand = parse("broker", "--host", PREFIX + "1");
    String broker = "http://" + PREFIX + "1:" + HEALTH_PORT;
    brokerCommand.member.openHealth();
    assertEquals(503, get(broker + "/healthz/ready"), "joining: not ready");
    assertEquals(200, get(broker + "/healthz/live"), "joining is not dead");
    try (RunningMember brokerMember = brokerCommand.start()) {
      assertEquals(200, get(broker + "/healthz/ready"));
      assertEquals(200, get(broker + "/healthz/live"));

      AgentCommand agentCommand = parse("agent", "--site", "site-a", "--host", PREFIX + "2", "--coap-port", "19102",
          "--transfer-port", "19103", "--mqtt-port", "19104");
      String agent = "http://" + PREFIX + "2:" + HEALTH_PORT;
      agentCommand.member.openHealth();
      assertEquals(503, get(agent + "/healthz/ready"));
      RunningMember agentMember = agentCommand.start();
      try {
        assertEquals(200, get(agent + "/healthz/ready"), "CoAP, MQTT and the transfer plane up, site registered");
        assertEquals(200, get(agent + "/healthz/live"));

        PredictorCommand predictorCommand = parse("predictor", "--host", PREFIX + "3", "--sites", dir.resolve("sites.json").toString());
        String predictor = "http://" + PREFIX + "3:" + HEALTH_PORT;
        predictorCommand.member.openHealth();
        assertEquals(503, get(predictor + "/healthz/ready"));
        try (RunningMember predictorMember = predictorCommand.start()) {
          assertEquals(200, get(predictor + "/healthz/ready"));
          assertEquals(200, get(predictor + "/healthz/live"));
        }
        assertEquals(-1, get(predictor + "/healthz/ready"), "closed, its health port with it");
      } finally {
        // Stopping begins with "not ready", before the agent drains and leaves...
        var stopping = agentMember.stop();
        assertEquals(503, get(agent + "/healthz/ready"), "stopping");
        stopping.get(60, TimeUnit.SECONDS);
        // ...and a member that left stays not ready until its process ends.
        assertEquals(503, get(agent + "/healthz/ready"), "left the cluster");
        agentMember.close();
      }
    }
  }

  @Test
  void aMemberWithAStuckEventLoopIsNotLive() throws Exception {
    Map<String, String> quick = new HashMap<>(environment);
    quick.put("BATON_LIVENESS_TIMEOUT", "100");
    quick.put("BATON_MEMBERS", PREFIX + "1:" + CLUSTER_PORT);
    BrokerCommand command = parse(quick, "broker", "--host", PREFIX + "1");
    String broker = "http://" + PREFIX + "1:" + HEALTH_PORT;
    try (RunningMember member = command.start()) {
      assertEquals(200, get(broker + "/healthz/live"));
      // Stuck for 1 s: ten times the liveness timeout, and under Vert.x's 2 s blocked-thread limit
      // (past it the stall watchdog would report, and StallGuard fail this class).
      CountDownLatch stuck = new CountDownLatch(1);
      CountDownLatch released = new CountDownLatch(1);
      Context loop = member.vertx().getOrCreateContext();
      loop.runOnContext(v -> {
        stuck.countDown();
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        released.countDown();
      });
      assertTrue(stuck.await(10, TimeUnit.SECONDS));
      assertEquals(503, get(broker + "/healthz/live"));
      assertTrue(released.await(10, TimeUnit.SECONDS));
      assertEquals(200, get(broker + "/healthz/live"), "answers again");
      assertEquals(200, get(broker + "/healthz/ready"), "readiness does not watch the loops");
    }
  }

  private static <T> T parse(String... args) {
    return parse(environment, args);
  }

  @SuppressWarnings("unchecked")
  private static <T> T parse(Map<String, String> environment, String... args) {
    CommandLine.ParseResult parsed = BatonCli.commandLine(environment).parseArgs(args);
    return (T) parsed.subcommand().commandSpec().userObject();
  }

  private static int get(String url) throws Exception {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.net.ConnectException e) {
      return -1;
    }
  }
}
