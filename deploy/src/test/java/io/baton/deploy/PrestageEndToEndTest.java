package io.baton.deploy;

import static io.baton.deploy.MeshFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.migration.PagedMemoryHandoff;
import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.demo.Drive;
import io.baton.deploy.demo.DriveReport;
import io.baton.deploy.demo.RadioModel;
import io.baton.deploy.demo.Road;
import io.baton.predictor.PredictorConfig;
import io.baton.predictor.PredictorSetup;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.protocol.Addresses;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.SitePlacement;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.PrestageCancelled;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.Prestaged;
import io.baton.protocol.event.TargetPrepared;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The predictor on the real clustered bus (members on 127.0.30.1-4): a vehicle's telemetry makes it
 * forecast site-b, it asks site-a to pre-stage the service there, site-b holds the pages, and the
 * handoff the broker's trigger then runs reports prestaged=true and sends after the freeze only a
 * fraction of what a handoff of an equal, never pre-staged service sends. Cold migration on both,
 * so every byte of state crosses after the freeze unless the target already holds it.
 */
class PrestageEndToEndTest {
  private static final int TILES = 128;
  private static final Road ROAD = new Road(List.of("site-a", "site-b"), 250, 20);
  private static LocalMesh mesh;

  @BeforeAll
  static void startMesh() throws Exception {
    List<SitePlacement> sites = List.of(new SitePlacement("site-a", 0, 0, 20, 3), new SitePlacement("site-b", 250, 0, 20, 3),
        new SitePlacement("site-c", 500, 0, 20, 3));
    BrokerConfig broker = BrokerConfig.defaults().withTechnique("cold");
    // Stage well ahead (5 s margin), so a slow machine still finishes before the trigger fires.
    PlannerConfig planner = new PlannerConfig(0.4, 400, 0.15, 2_000, 2, 1.5, 5_000, 0.5, 4, 12_500_000);
    PredictorSetup setup = new PredictorSetup(PredictorConfig.matching(broker.hysteresisDb(), broker.timeToTriggerMs(),
        broker.smoothing()), sites, planner, 1_000_000);
    mesh = LocalMesh.start(MeshFixture.secured(new MeshLayout("127.0.30.1", List.of("127.0.30.2", "127.0.30.3", "127.0.30.4"), 5701, 5683, 7443)),
        broker, Optional.of(setup));
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  private static BatonClient attachWithTiles(String clientId, long seed) {
    BatonClient client = BatonClient.builder().clientId(clientId).credentials(MeshFixture.client(mesh, clientId)).site(mesh.sites().get(0).config().coapEndpoint()).service("kv")
        .serviceOptions(new JsonObject().put("sizeKiB", 1024)).build();
    client.attachBlocking();
    Random random = new Random(seed);
    byte[] tile = new byte[2048];
    for (int i = 0; i < TILES; i++) {
      random.nextBytes(tile);
      client.callBlocking(new JsonObject().put("op", "put").put("key", String.format("tile-%04d", i))
          .put("value", HexFormat.of().formatHex(tile)));
    }
    return client;
  }

  @Test
  void aForecastPrestagesTheTargetAndTheHandoffSendsOnlyTheDifference() throws Exception {
    List<HandoffCompleted> completed = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_COMPLETED);
    List<Forecast> forecasts = MeshFixture.collect(mesh.brokerVertx(), Addresses.FORECAST);
    List<PrestageRequested> requested = MeshFixture.collect(mesh.brokerVertx(), Addresses.PRESTAGE_REQUESTED);
    List<Prestaged> prestaged = MeshFixture.collect(mesh.brokerVertx(), Addresses.PRESTAGED);
    List<TargetPrepared> prepared = MeshFixture.collect(mesh.brokerVertx(), Addresses.TARGET_PREPARED);

    HandoffCompleted reference;
    try (BatonClient parked = attachWithTiles("parked", 1)) {
      reference = await(mesh.broker().handOff("parked", "site-c", "manual"));
    }
    assertFalse(reference.prestaged(), "nothing was pre-staged for a client that sent no telemetry");
    // Each tile is 2 KiB of random bytes as 4 KiB of hex: at least 2 KiB each even deflated.
    assertTrue(reference.bytesAfterFreeze() > TILES * 2048, "all its tiles crossed after the freeze: " + reference);

    DriveReport report;
    try (BatonClient car = attachWithTiles("car", 2)) {
      Drive drive = new Drive(car, ROAD, RadioModel.smallCell(1.0, 7), 20, 10, 2,
          seq -> new JsonObject().put("op", "incr").put("key", "trip"));
      report = drive.start().get(90, TimeUnit.SECONDS);
    }
    assertEquals(0, report.lost(), "no call lost: " + report.failures());

    HandoffCompleted moved = MeshFixture.awaitPublished(completed, 2).stream().filter(h -> h.clientId().equals("car"))
        .findFirst().orElseThrow();
    assertEquals("site-a->site-b", moved.sourceSite() + "->" + moved.targetSite());
    synchronized (forecasts) {
      assertTrue(forecasts.stream().anyMatch(f -> f.clientId().equals("car") && !f.candidates().isEmpty()
          && f.candidates().get(0).siteId().equals("site-b")), "site-b was forecast");
    }
    PrestageRequested toB;
    synchronized (requested) {
      toB = requested.stream().filter(r -> r.targetSite().equals("site-b") && r.instanceId().startsWith("car"))
          .findFirst().orElseThrow(() -> new AssertionError("no pre-stage to site-b: " + requested));
    }
    assertEquals("site-a", toB.sourceSite());
    synchronized (prestaged) {
      Prestaged done = prestaged.stream().filter(p -> p.prestageId().equals(toB.prestageId())).findFirst().orElseThrow();
      assertTrue(done.bytes() >= TILES * 2048, "the tiles crossed ahead of the handoff: " + done);
    }
    synchronized (prepared) {
      TargetPrepared atB = prepared.stream().filter(p -> p.handoffId().equals(moved.handoffId())).findFirst().orElseThrow();
      assertTrue(atB.prestagedBytes() > 0, "site-b held the pre-stage when the handoff began: " + atB);
    }
    assertTrue(moved.prestaged(), "the handoff reports it: " + moved);
    assertTrue(moved.bytesAfterFreeze() * 4 < reference.bytesAfterFreeze(), "after the freeze " + moved.bytesAfterFreeze()
        + " bytes crossed, against " + reference.bytesAfterFreeze() + " without a pre-stage");
  }

  @Test
  void aCancelledPrestageLeavesNothingAtTheTarget() throws Exception {
    List<Prestaged> prestaged = MeshFixture.collect(mesh.brokerVertx(), Addresses.PRESTAGED);
    try (BatonClient walker = attachWithTiles("walker", 3)) {
      String instance = await(new ClientDirectory(mesh.brokerVertx()).find("walker")).orElseThrow().instanceId();
      var siteB = mesh.site("site-b").orElseThrow().agent();
      long before = siteB.chunkStore().heldBytes();
      PrestageRequested request = new PrestageRequested("manual-1", instance, "site-a", "site-b", List.of(PrestageRequested.MEMORY_PAGES),
          System.currentTimeMillis() + 10_000);
      mesh.brokerVertx().eventBus().publish(Addresses.PRESTAGE_REQUESTED, request);
      Prestaged done = MeshFixture.awaitPublished(prestaged, 1).get(0);
      assertEquals("manual-1", done.prestageId());
      assertTrue(siteB.chunkStore().heldBytes() - before >= TILES * 4096, "site-b holds the pages");
      assertTrue(waitFor(() -> ((PagedMemoryHandoff) siteB.handoffStrategy()).prestages().holdsCompleted(instance)), "and knows it holds them complete");

      mesh.brokerVertx().eventBus().publish(Addresses.PRESTAGE_CANCELLED,
          new PrestageCancelled("manual-1", instance, "site-a", "site-b", "test"));
      assertTrue(waitFor(() -> siteB.chunkStore().heldBytes() == before), "the cancelled pre-stage's chunks are gone");
      assertFalse(((PagedMemoryHandoff) siteB.handoffStrategy()).prestages().holdsCompleted(instance));
    }
  }

  private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
