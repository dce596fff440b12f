package io.baton.deploy;

import static io.baton.deploy.ContainerEngines.batonContainers;
import static io.baton.deploy.ContainerEngines.removeBatonContainers;
import static io.baton.deploy.ContainerEngines.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.container.ContainerControl;
import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.agent.runtime.container.EngineDeadlines;
import io.baton.broker.BrokerConfig;
import io.baton.broker.journal.JournalEntry;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.cli.BatonCli;
import io.baton.cluster.ClusterMember;
import io.baton.deploy.mesh.DockerSites;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code baton deploy} and {@code baton migrate} as an operator runs them, each command a cluster
 * member of its own (the operator's credentials) joining a mesh of a broker and docker sites on
 * the site-a and site-b engines (and, once, an embedded mesh): the handoff is the broker's saga,
 * journaled, fenced by the client record, and bad input is refused before anything changes.
 */
class MigrateCommandTest {
  private static final Pattern ANSWER = Pattern.compile("counter=(\\d+) steps=(\\d+) sum=(\\w+) full=(\\w+)");
  private static final String PREFIX = "127.0.77.";
  private static final String OPERATOR_HOST = PREFIX + 9;

  private static final DockerEngine engineA = ContainerEngines.open(ContainerEngines.engine("a"));
  private static final DockerEngine engineB = ContainerEngines.open(ContainerEngines.engine("b"));
  private static LocalMesh mesh;

  @BeforeAll
  static void start() {
    removeBatonContainers(engineA);
    removeBatonContainers(engineB);
    // site-c shares site-b's engine but gives a container at most 8 MB: the 16 MB workload cannot be restored there.
    MeshLayout layout = new MeshLayout(PREFIX + 1, List.of(PREFIX + 2, PREFIX + 3, PREFIX + 4), ClusterMember.DEFAULT_PORT,
        5683, 7443);
    mesh = LocalMesh.start(layout, BrokerConfig.defaults(), DockerSites.runtimes(
        site -> ContainerEngines.engine(site.equals("site-a") ? "a" : "b"), site -> site.equals("site-c") ? 8 : 0,
        EngineDeadlines.DEFAULTS));
    mesh.credentials().member("operator", OPERATOR_HOST);
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
    removeBatonContainers(engineA);
    removeBatonContainers(engineB);
  }

  @Test
  void migrateHandsTheContainerOffThroughTheSagaAndRefusesBadInputWithoutAChange() throws Exception {
    Cli deploy = baton("deploy", "--site", "site-a", "--image", "baton/memwork:1", "--instance", "mw1", "--cpus", "1",
        "--memory-mb", "80", "--query", "/usr/bin/memwork query", "--", "/usr/bin/memwork", "serve", "--mb", "16",
        "--dirty-kbps", "0");
    assertEquals(0, deploy.exit(), deploy.toString());
    Matcher before = answer("site-a");
    ClientRecord deployed = record("mw1");
    assertEquals(new ClientRecord("mw1", "container", "mw1", "site-a", 1, ""), deployed, "a deployed container is a client's service");

    // Bad input: refused with one line, exit 2, and nothing moves or is journaled.
    for (String[] bad : List.of(new String[] {"mw1", "--to", "site-z"}, new String[] {"mw1", "--to", "site-a"},
        new String[] {"nobody", "--to", "site-b"}, new String[] {"mw1", "--to", "site-b", "--technique", "teleport"})) {
      Cli refused = baton(concat(new String[] {"migrate"}, bad));
      assertEquals(2, refused.exit(), refused.toString());
      assertTrue(refused.err().startsWith("baton: ") && refused.err().strip().lines().count() == 1, refused.toString());
    }
    assertTrue(baton("migrate", "mw1", "--to", "site-z").err().contains("no site 'site-z'"));
    assertTrue(baton("migrate", "mw1", "--to", "site-a").err().contains("already runs at site-a"));
    assertEquals(List.of(), journal(), "no handoff was started");
    assertEquals(deployed, record("mw1"), "the client record did not change");
    assertEquals(1, running(engineA));
    assertEquals(0, batonContainers(engineB).size());

    // A target that cannot restore: the saga aborts, the source serves on, the command says why and exits 1.
    Cli aborted = baton("migrate", "mw1", "--to", "site-c", "--cold");
    System.out.print(aborted.out());
    assertEquals(1, aborted.exit(), aborted.toString());
    assertTrue(aborted.out().contains("mw1 (client mw1) site-a -> site-c: ABORTED at transfer"), aborted.out());
    assertEquals(List.of(JournalEntry.Status.ABORTED), journal().stream().map(JournalEntry::status).toList());
    assertEquals(deployed, record("mw1"), "the fence stayed at site-a");
    assertEquals(1, running(engineA));
    assertEquals(0, batonContainers(engineB).size(), "nothing left at site-c's engine");
    Matcher resumed = answer("site-a");
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(resumed.group(1)), "the source resumed");
    assertEquals(before.group(3), resumed.group(3));

    Cli migrate = baton("migrate", "mw1", "--to", "site-b", "--technique", "pre-copy");
    System.out.print(migrate.out());

    assertEquals(0, migrate.exit(), migrate.toString());
    List<JournalEntry> journal = journal();
    assertEquals(2, journal.size(), journal.toString());
    JournalEntry entry = journal.stream().filter(e -> e.status() == JournalEntry.Status.COMPLETED).findFirst().orElseThrow();
    assertEquals(JournalEntry.Status.COMPLETED, entry.status());
    assertEquals("manual", entry.request().trigger());
    assertEquals("mw1", entry.request().clientId());
    assertTrue(migrate.out().contains("mw1 (client mw1) site-a -> site-b: completed, handoff " + entry.handoffId()), migrate.out());
    for (String step : List.of("prepare", "pre-copy", "freeze", "transfer", "restore", "release", "completed")) {
      assertTrue(entry.steps().stream().anyMatch(s -> s.step().equals(step)), step + " journaled: " + entry.steps());
      assertTrue(migrate.out().lines().anyMatch(line -> line.trim().startsWith(step + " ")), step + " printed:\n" + migrate.out());
    }
    assertEquals(new ClientRecord("mw1", "container", "mw1", "site-b", 2, ""), record("mw1"), "the fence moved to site-b");
    assertEquals(0, batonContainers(engineA).size(), "the source let go of its container");
    assertEquals(1, running(engineB));
    Matcher after = answer("site-b");
    assertEquals(Long.parseLong(before.group(1)) + 2, Long.parseLong(after.group(1)), "the request counter continues");
    assertEquals(before.group(3), after.group(3), "the same state, checksum for checksum");
    assertEquals(after.group(3), after.group(4), "every page intact");

    Cli back = baton("migrate", "mw1", "--to", "site-b");
    assertEquals(2, back.exit(), "already there: " + back);
    assertEquals(2, journal().size());
  }

  /** The same command moves an embedded service, named by its instance id, and its client follows the redirect. */
  @Test
  void anEmbeddedServiceMovesThroughTheSameSaga() throws Exception {
    String prefix = "127.0.94.";
    LocalMesh embedded = LocalMesh.start(new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3), ClusterMember.DEFAULT_PORT,
        5683, 7443), BrokerConfig.defaults());
    try (BatonClient client = BatonClient.builder().clientId("car-1").credentials(MeshFixture.client(embedded, "car-1"))
        .service("counter").site(embedded.site("site-a").orElseThrow().config().coapEndpoint()).build()) {
      client.attachBlocking();
      JsonObject increment = new JsonObject().put("op", "increment");
      client.callBlocking(increment);
      client.callBlocking(increment);
      embedded.credentials().member("operator", prefix + 9);

      Cli migrate = baton(embedded, prefix + 9, "migrate", "car-1/counter", "--to", "site-b", "--cold");

      assertEquals(0, migrate.exit(), migrate.toString());
      JournalEntry entry = await(embedded.broker().journal().entries()).get(0);
      assertEquals(JournalEntry.Status.COMPLETED, entry.status());
      assertEquals("manual", entry.request().trigger());
      assertEquals("cold", entry.request().technique());
      assertEquals(new ClientRecord("car-1", "counter", "car-1/counter", "site-b", 2, ""),
          await(new ClientDirectory(embedded.brokerVertx()).find("car-1")).orElseThrow());
      CallResult third = client.callBlocking(increment);
      assertEquals(3, third.result().getLong("value"), "the counter moved with its state");
      assertEquals("site-b", third.site());
    } finally {
      embedded.close();
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** What one command printed and how it exited. */
  private record Cli(int exit, String out, String err) {
  }

  /** Runs {@code baton ARGS} in this JVM as the operator's own cluster member of the docker mesh. */
  private static Cli baton(String... args) {
    return baton(mesh, OPERATOR_HOST, args);
  }

  private static Cli baton(LocalMesh in, String host, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    int options = all.contains("--") ? all.indexOf("--") : all.size();
    all.addAll(options, List.of("--host", host, "--members", String.join(",", in.layout().members()),
        "--credentials", in.credentials().dir().toString(), "--member", "operator"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    PrintStream stdout = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      exit = BatonCli.commandLine(Map.of()).setErr(new PrintWriter(err, true)).execute(all.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
    }
    return new Cli(exit, printed.toString(StandardCharsets.UTF_8), err.toString());
  }

  private static Matcher answer(String site) throws Exception {
    JsonObject reply = await(mesh.brokerVertx().eventBus().<JsonObject>request(ContainerControl.address(site, "call"),
        new JsonObject().put("instanceId", "mw1"), new DeliveryOptions().setSendTimeout(10_000))).body();
    Matcher matcher = ANSWER.matcher(reply.getString("answer", ""));
    assertTrue(matcher.find(), reply.encode());
    return matcher;
  }

  private static ClientRecord record(String clientId) throws Exception {
    return await(new ClientDirectory(mesh.brokerVertx()).find(clientId)).orElseThrow();
  }

  private static List<JournalEntry> journal() throws Exception {
    return await(mesh.broker().journal().entries());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
