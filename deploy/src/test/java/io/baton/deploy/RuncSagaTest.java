package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.MqttSettings;
import io.baton.agent.runtime.RuntimeSettings;
import io.baton.agent.runtime.container.ContainerSettings;
import io.baton.agent.runtime.container.EngineDeadlines;
import io.baton.agent.runtime.runc.RuncEngine;
import io.baton.agent.runtime.runc.RuncRuntimeProvider;
import io.baton.broker.BrokerConfig;
import io.baton.broker.saga.HandoffAbortedException;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.cluster.ClusterMember;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.mesh.SiteRuntimes;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.event.HandoffCompleted;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broker's saga moving a container post-copy between two runc sites: a real Hazelcast cluster
 * on loopback (broker and two secured agents with the runc runtime, images copied from the site-a
 * Docker Engine), a real SDK client over CoAP calling the memory workload. Post-copy serves at the
 * target before the memory has crossed (over CRIU's TLS); a target that cannot hold the memory
 * dies as its pages come in, and the broker fails the service back to the source's frozen copy.
 * Each answer carries the workload's request counter and its state checksum (kept while writing,
 * and recomputed over every byte), so the answers show the state intact.
 */
class RuncSagaTest {
  private static final Pattern ANSWER = Pattern.compile("counter=(\\d+) steps=(\\d+) sum=(\\w+) full=(\\w+)");
  private static final Path STATE_ROOT = Path.of("/var/lib/baton/runc/saga-test");
  private static final List<String> SITES = List.of("site-a", "site-b");

  private LocalMesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    for (String site : SITES) {
      try (RuncEngine engine = RuncEngine.open(new RuncEngine.Settings(STATE_ROOT.resolve(site),
          RuncRuntimeProvider.defaultSubnet(site), EngineDeadlines.DEFAULTS))) {
        engine.removeBatonContainers();
      }
    }
  }

  @Test
  void aPostCopyHandoffServesAtTheTargetBeforeTheMemoryHasCrossed() throws Exception {
    mesh = start(181, 0);
    try (BatonClient client = coapClient("van-postcopy", 32)) {
      client.attachBlocking();
      Matcher before = answer(client.callBlocking(new JsonObject()));

      HandoffCompleted done = MeshFixture.await(mesh.broker().handOff("van-postcopy", "site-b", "post-copy", "test"));

      assertEquals("post-copy", done.technique());
      assertTrue(done.metrics().dumpBytes() < 2_000_000, "the memory crossed after the restore, not in it: " + done.metrics());
      CallResult at = client.callBlocking(new JsonObject());
      assertEquals("site-b", at.site());
      Matcher after = answer(at);
      assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)), "the request counter continues");
      assertEquals(after.group(3), after.group(4), "every page came across as it was");
      assertEquals(java.util.Optional.empty(),
          mesh.site("site-a").orElseThrow().agent().runtime().state(instanceOf("van-postcopy")), "the source let go");
      System.out.printf("runc post-copy, 32 MB: downtime %.1f ms, handoff %.1f ms%n", done.downtimeMillis(), done.handoffMillis());
    }
  }

  @Test
  void aTargetThatCannotHoldTheMemoryFailsBackToTheSourcesFrozenCopy() throws Exception {
    mesh = start(182, 8);
    try (BatonClient client = coapClient("van-failback", 32)) {
      client.attachBlocking();
      Matcher before = answer(client.callBlocking(new JsonObject()));

      Throwable failure = mesh.broker().handOff("van-failback", "site-b", "post-copy", "test")
          .toCompletionStage().toCompletableFuture().handle((done, error) -> error).get(120, TimeUnit.SECONDS);

      HandoffAbortedException abort = assertInstanceOf(HandoffAbortedException.class, failure);
      ClientRecord record = MeshFixture.await(new ClientDirectory(mesh.brokerVertx()).find("van-failback")).orElseThrow();
      assertEquals("site-a", record.site(), abort.event().toString());
      CallResult at = client.callBlocking(new JsonObject());
      assertEquals("site-a", at.site());
      Matcher after = answer(at);
      assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)), "the source's state, nothing lost: " + abort.event());
      assertEquals(after.group(3), after.group(4));
    }
  }

  /** Broker and two runc sites on 127.0.{subnet}.x; site-b's containers capped at {@code capAtSiteB} MB (0: none). */
  private static LocalMesh start(int subnet, long capAtSiteB) {
    String prefix = "127.0." + subnet + ".";
    MeshLayout layout = new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3), ClusterMember.DEFAULT_PORT, 5683, 7443,
        MqttSettings.off());
    RuntimeSettings settings = RuntimeSettings.of(Map.of(RuncRuntimeProvider.STATE_ROOT, STATE_ROOT.toString(),
        RuncRuntimeProvider.IMAGE_SOURCE, ContainerEngines.engine("a")));
    SiteRuntimes uncapped = SiteRuntimes.named("runc", settings);
    SiteRuntimes capped = SiteRuntimes.named("runc", settings.with(ContainerSettings.MEMORY_CAP_MB, Long.toString(capAtSiteB)));
    return LocalMesh.start(layout, BrokerConfig.defaults(),
        (member, site) -> (site.siteId().equals("site-b") && capAtSiteB > 0 ? capped : uncapped).create(member, site));
  }

  private BatonClient coapClient(String clientId, int mb) {
    return BatonClient.builder().clientId(clientId).credentials(MeshFixture.client(mesh, clientId)).service("container")
        .serviceOptions(ContainerEngines.memwork(mb)).site(mesh.site("site-a").orElseThrow().config().coapEndpoint()).build();
  }

  private String instanceOf(String clientId) throws Exception {
    return MeshFixture.await(new ClientDirectory(mesh.brokerVertx()).find(clientId)).orElseThrow().instanceId();
  }

  private static Matcher answer(CallResult result) {
    Matcher matcher = ANSWER.matcher(result.result().getString("answer", ""));
    assertTrue(matcher.find(), result.result().encode());
    return matcher;
  }
}
