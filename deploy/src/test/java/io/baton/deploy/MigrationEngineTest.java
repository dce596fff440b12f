package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.broker.BrokerConfig;
import io.baton.broker.saga.HandoffAbortedException;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.Addresses;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.LinkProfile;
import io.baton.protocol.directory.LinkTable;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.TargetRestored;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The four migration techniques on the embedded runtime over an emulated 40 Mbps / 10 ms link,
 * each while the client keeps writing; and the transfer plane's failures. The synthetic service's
 * memory is rebuilt independently from its seed and the answered writes, so "the target holds
 * exactly the right state" is checked byte for byte.
 */
class MigrationEngineTest {
  private static final int SIZE_MB = 8;
  private static final int PAGES = SIZE_MB * 256;
  private static final long STATE_BYTES = (long) PAGES * PagedMemory.PAGE_SIZE;
  private static final LinkProfile FAST = LinkProfile.ofMbps(200, 4);
  private static final int METRICS_PORT = 19464;
  private static LocalMesh mesh;
  private static List<HandoffCompleted> completed;
  private static List<HandoffAborted> aborted;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshFixture.start(5, new BrokerConfig(3.0, 320, 0.5, 2_000, 60_000, "cold",
        io.baton.broker.adaptive.AdaptiveObjective.defaults(), METRICS_PORT));
    completed = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_COMPLETED);
    aborted = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_ABORTED);
    LinkTable links = new LinkTable(mesh.brokerVertx());
    // A slow link between a and b (compression on), a fast one from a to c (raw chunks: exact byte counts).
    MeshFixture.await(links.set("site-a", "site-b", LinkProfile.ofMbps(40, 10)));
    MeshFixture.await(links.set("site-b", "site-c", LinkProfile.ofMbps(40, 10)));
    MeshFixture.await(links.set("site-a", "site-c", FAST));
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  /** The signed manifest in the execution state: signature, the source's certificate (~590 B DER), page digest. */
  private static final int SIGNED_MANIFEST_BYTES = 2048;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cold", "pre-copy", "post-copy", "hybrid"})
  void eachTechniqueMovesTheExactStateWhileTheClientWrites(String technique) throws Exception {
    String clientId = "writer-" + technique;
    try (Writer writer = new Writer(clientId, 100 + technique.length())) {
      writer.startWriting();
      Thread.sleep(300);
      HandoffCompleted done = MeshFixture.await(mesh.broker().handOff(clientId, "site-b", technique, "test"));
      Thread.sleep(300);
      writer.stopWriting();

      assertEquals(technique, done.technique());
      assertEquals("site-b", writer.client.callBlocking(new JsonObject().put("op", "version")).site());
      writer.assertMemoryAt("site-b");
      switch (technique) {
        // Deflate is on below 100 Mbps: it saves nothing on random pages, but the version page shrinks.
        // The execution state carries the signed manifest (about 700 bytes) besides the reply cache.
        case "cold" -> assertTrue(done.metrics().dumpBytes() >= STATE_BYTES - PagedMemory.PAGE_SIZE
            && done.metrics().dumpBytes() < STATE_BYTES + SIGNED_MANIFEST_BYTES, "compressed on a 40 Mbps link: " + done.metrics());
        case "pre-copy" -> {
          assertTrue(done.metrics().preDumpRounds() >= 1 && done.metrics().preDumpBytes() >= STATE_BYTES - PagedMemory.PAGE_SIZE,
              done.metrics().toString());
          assertTrue(done.metrics().dumpBytes() < STATE_BYTES / 4, "the dump carries only the last dirty set: " + done.metrics());
        }
        case "post-copy" -> {
          assertEquals(0, done.metrics().preDumpBytes());
          assertTrue(done.metrics().dumpBytes() < 64 * 1024, "only the execution state: " + done.metrics());
          assertTrue(done.metrics().faultedPagesBytes() >= STATE_BYTES - 64 * 1024, done.metrics().toString());
        }
        case "hybrid" -> {
          assertEquals(1, done.metrics().preDumpRounds());
          assertTrue(done.metrics().faultedPagesBytes() > 0, "pages dirtied after the round come lazily: " + done.metrics());
          assertTrue(done.metrics().faultedPagesBytes() < STATE_BYTES / 2, done.metrics().toString());
        }
        default -> throw new AssertionError(technique);
      }
    }
  }

  @Test
  void handoffMetricsAreServedToPrometheus() throws Exception {
    try (Writer writer = new Writer("metered-1", 14)) {
      HandoffCompleted done = MeshFixture.await(mesh.broker().handOff("metered-1", "site-b", "post-copy", "test"));
      java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.5.1:" + METRICS_PORT + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode());
      String text = scrape.body();
      assertTrue(text.contains("# TYPE baton_migration_faulted_pages_bytes summary"), text);
      java.util.regex.Matcher count = java.util.regex.Pattern
          .compile("baton_handoffs_completed_total\\{technique=\"post-copy\"} (\\d+)").matcher(text);
      assertTrue(count.find() && Long.parseLong(count.group(1)) >= 1, text);
      java.util.regex.Matcher faulted = java.util.regex.Pattern
          .compile("baton_migration_faulted_pages_bytes_sum\\{technique=\"post-copy\"} ([0-9.E]+)").matcher(text);
      assertTrue(faulted.find() && Double.parseDouble(faulted.group(1)) >= done.metrics().faultedPagesBytes(), text);
    }
  }

  @Test
  void aCorruptedChunkIsSentAgain() throws Exception {
    try (Writer writer = new Writer("corrupt-1", 7)) {
      mesh.site("site-a").orElseThrow().agent().linkFaults().corruptNextChunks("site-c", 3);
      HandoffCompleted done = MeshFixture.await(mesh.broker().handOff("corrupt-1", "site-c", "cold", "test"));
      writer.assertMemoryAt("site-c");
      long resent = done.metrics().dumpBytes() - STATE_BYTES;
      // The version page may go deflated (compression follows the measured bandwidth), hence the lower bound.
      assertTrue(resent >= 2 * PagedMemory.PAGE_SIZE && resent < 3 * PagedMemory.PAGE_SIZE + 1024,
          "three damaged chunks were sent twice, nothing else (plus the execution state): " + done.metrics());
    }
  }

  @Test
  void aStreamCutMidwayResumesWhereItStopped() throws Exception {
    try (Writer writer = new Writer("cut-1", 8)) {
      mesh.site("site-a").orElseThrow().agent().linkFaults().cutNextStreamAfter("site-c", STATE_BYTES / 2);
      HandoffCompleted done = MeshFixture.await(mesh.broker().handOff("cut-1", "site-c", "cold", "test"));
      writer.assertMemoryAt("site-c");
      // Chunks in flight when the stream was reset are lost and sent again; a restart would resend 4 MB.
      assertTrue(done.metrics().dumpBytes() >= STATE_BYTES - PagedMemory.PAGE_SIZE
          && done.metrics().dumpBytes() < STATE_BYTES + 64 * PagedMemory.PAGE_SIZE,
          "after the cut only the rest (and what was in flight) was sent: " + done.metrics());
    }
  }

  @Test
  void aStateWhosePageListExceedsOneMessageMoves() throws Exception {
    // 8192 page references do not fit one gRPC message: offers must go in batches.
    try (Writer writer = new Writer("big-1", 13, "site-a", 32)) {
      HandoffCompleted done = MeshFixture.await(mesh.broker().handOff("big-1", "site-c", "pre-copy", "test"));
      assertTrue(done.metrics().preDumpBytes() >= 32L * 1024 * 1024 - PagedMemory.PAGE_SIZE, done.metrics().toString());
      writer.assertMemoryAt("site-c");
    }
  }

  @Test
  void anExecutionStateLargerThanGrpcsDefaultMessageMoves() throws Exception {
    // 200 replies of ~2 KB each in the reply cache: an execution state of ~400 KB.
    try (BatonClient headset = BatonClient.builder().clientId("headset-1").credentials(MeshFixture.client(mesh, "headset-1")).service("ar")
        .site(mesh.site("site-a").orElseThrow().config().coapEndpoint()).build()) {
      headset.attachBlocking();
      String frame = java.util.Base64.getEncoder().encodeToString(new byte[2048]);
      for (int i = 1; i <= 200; i++) {
        headset.callBlocking(new JsonObject().put("op", "frame").put("seq", i).put("data", frame));
      }
      HandoffCompleted done = MeshFixture.await(mesh.broker().handOff("headset-1", "site-c", "cold", "test"));
      assertTrue(done.metrics().dumpBytes() > 256 * 1024, done.metrics().toString());
      JsonObject stats = headset.callBlocking(new JsonObject().put("op", "stats")).result();
      assertEquals(200, stats.getLong("frames"));
    }
  }

  @Test
  void chunksTheTargetHoldsAreNeverSentAgain() throws Exception {
    try (Writer first = new Writer("twin-1", 12); Writer second = new Writer("twin-2", 12)) {
      HandoffCompleted firstMove = MeshFixture.await(mesh.broker().handOff("twin-1", "site-c", "cold", "test"));
      HandoffCompleted secondMove = MeshFixture.await(mesh.broker().handOff("twin-2", "site-c", "cold", "test"));
      assertTrue(firstMove.metrics().dumpBytes() >= STATE_BYTES - PagedMemory.PAGE_SIZE, firstMove.metrics().toString());
      assertTrue(secondMove.metrics().dumpBytes() < 8 * 1024,
          "the same pages were already at site-c: only the execution state crossed: " + secondMove.metrics());
      second.assertMemoryAt("site-c");
    }
  }

  @Test
  void aTargetKilledDuringPreCopyLeavesTheServiceAtTheSource() throws Exception {
    try (Writer writer = new Writer("precopy-victim", 9)) {
      writer.startWriting();
      CompletableFuture<HandoffCompleted> handoff = mesh.broker().handOff("precopy-victim", "site-b", "pre-copy", "test")
          .toCompletionStage().toCompletableFuture();
      Thread.sleep(500); // the first round (8 MB at 40 Mbps) takes about 1.7 s
      mesh.stopSite("site-b").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Throwable failure = handoff.handle((done, error) -> error).get(60, TimeUnit.SECONDS);
      writer.stopWriting();
      HandoffAbortedException abort = assertInstanceOf(HandoffAbortedException.class, failure);
      assertTrue(abort.event().compensation().contains("serves again under epoch 1"), abort.event().toString());
      ClientRecord record = MeshFixture.await(new ClientDirectory(mesh.brokerVertx()).find("precopy-victim")).orElseThrow();
      assertEquals("site-a", record.site());
      writer.assertMemoryAt("site-a");
    } finally {
      restartSiteB();
    }
  }

  @Test
  void aTargetLostDuringPostCopyFailsBackToTheSource() throws Exception {
    try (Writer writer = new Writer("postcopy-target-dies", 10)) {
      List<TargetRestored> restored = MeshFixture.collect(mesh.brokerVertx(), Addresses.TARGET_RESTORED);
      CompletableFuture<HandoffCompleted> handoff = mesh.broker().handOff("postcopy-target-dies", "site-b", "post-copy", "test")
          .toCompletionStage().toCompletableFuture();
      awaitCondition(() -> !restored.isEmpty());
      mesh.stopSite("site-b").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Throwable failure = handoff.handle((done, error) -> error).get(60, TimeUnit.SECONDS);
      HandoffAbortedException abort = assertInstanceOf(HandoffAbortedException.class, failure);
      assertEquals("post-copy", abort.event().failedStep());
      assertTrue(abort.event().compensation().contains("serves again under epoch 3"), abort.event().toString());
      ClientRecord record = MeshFixture.await(new ClientDirectory(mesh.brokerVertx()).find("postcopy-target-dies")).orElseThrow();
      assertEquals("site-a", record.site());
      assertEquals(3, record.epoch());
      assertEquals(java.util.Optional.of(InstanceState.LIVE),
          mesh.site("site-a").orElseThrow().agent().runtime().state("postcopy-target-dies/synthetic"));
      writer.assertMemoryAt("site-a"); // nobody wrote at the target, so the source's copy is the whole state
    } finally {
      restartSiteB();
    }
  }

  @Test
  void aSourceLostDuringPostCopyFailsLoudly() throws Exception {
    LinkTable links = new LinkTable(mesh.brokerVertx());
    try (Writer writer = new Writer("postcopy-source-dies", 11, "site-c")) {
      List<TargetRestored> restored = MeshFixture.collect(mesh.brokerVertx(), Addresses.TARGET_RESTORED);
      CompletableFuture<HandoffCompleted> handoff = mesh.broker().handOff("postcopy-source-dies", "site-b", "post-copy", "test")
          .toCompletionStage().toCompletableFuture();
      awaitCondition(() -> !restored.isEmpty());
      mesh.stopSite("site-c").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Throwable failure = handoff.handle((done, error) -> error).get(60, TimeUnit.SECONDS);
      HandoffAbortedException abort = assertInstanceOf(HandoffAbortedException.class, failure);
      assertEquals("post-copy", abort.event().failedStep());
      assertTrue(abort.event().reason().contains("lost during post-copy"), abort.event().reason());
      assertTrue(abort.event().compensation().contains("the service is lost"), abort.event().compensation());
    } finally {
      restartSite("site-c");
      MeshFixture.await(links.set("site-a", "site-c", FAST));
      MeshFixture.await(links.set("site-b", "site-c", LinkProfile.ofMbps(40, 10)));
    }
  }

  private static void restartSiteB() throws Exception {
    restartSite("site-b");
  }

  private static void restartSite(String siteId) throws Exception {
    if (mesh.site(siteId).isEmpty()) {
      mesh.restartSite(siteId);
    }
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(10);
    }
  }

  /**
   * A client of the synthetic service that stamps random longs into random pages and keeps what
   * was answered, to rebuild the memory the service must have.
   */
  private static final class Writer implements AutoCloseable {
    final BatonClient client;
    private final long seed;
    private final int pages;
    private final Random random;
    private final List<long[]> stamps = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<CallResult>> calls = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean writing = new AtomicBoolean();
    private Thread thread;

    Writer(String clientId, long seed) {
      this(clientId, seed, "site-a");
    }

    Writer(String clientId, long seed, String site) {
      this(clientId, seed, site, SIZE_MB);
    }

    Writer(String clientId, long seed, String site, int sizeMb) {
      this.seed = seed;
      this.pages = sizeMb * 256;
      this.random = new Random(seed * 31);
      this.client = BatonClient.builder().clientId(clientId).credentials(MeshFixture.client(mesh, clientId)).service("synthetic")
          .serviceOptions(new JsonObject().put("sizeMb", sizeMb).put("seed", seed))
          .site(mesh.site(site).orElseThrow().config().coapEndpoint()).build();
      client.attachBlocking();
    }

    void startWriting() {
      writing.set(true);
      thread = new Thread(() -> {
        while (writing.get()) {
          int page = 1 + random.nextInt(pages - 1);
          int offset = 8 * random.nextInt(PagedMemory.PAGE_SIZE / 8);
          long value = random.nextLong();
          CompletableFuture<CallResult> call = client.call(new JsonObject().put("op", "stamp").put("page", page)
              .put("offset", offset).put("value", value));
          calls.add(call.thenApply(result -> {
            stamps.add(new long[] {result.result().getLong("version"), page, offset, value});
            return result;
          }));
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      thread.start();
    }

    void stopWriting() throws Exception {
      writing.set(false);
      if (thread != null) {
        thread.join();
      }
      for (CompletableFuture<CallResult> call : List.copyOf(calls)) {
        call.get(60, TimeUnit.SECONDS);
      }
    }

    /** The service's memory at {@code site} equals the seed's pages with every answered stamp applied, in order. */
    void assertMemoryAt(String site) throws Exception {
      stopWriting();
      List<long[]> ordered = new ArrayList<>(stamps);
      ordered.sort((a, b) -> Long.compare(a[0], b[0]));
      for (int i = 0; i < ordered.size(); i++) {
        assertEquals(i + 1, ordered.get(i)[0], "every stamp executed exactly once, in order");
      }
      byte[][] expected = new byte[pages][PagedMemory.PAGE_SIZE];
      Random fill = new Random(seed);
      for (int page = 1; page < pages; page++) {
        fill.nextBytes(expected[page]);
      }
      for (long[] stamp : ordered) {
        ByteBuffer.wrap(expected[(int) stamp[1]]).putLong((int) stamp[2], stamp[3]);
      }
      ByteBuffer.wrap(expected[0]).putLong(0, ordered.size());
      PagedMemory actual = MeshFixture.await(((io.baton.agent.runtime.PagedMemoryRuntime) mesh.site(site).orElseThrow().agent().runtime()).image(client.clientId() + "/synthetic")).memory();
      MeshFixture.await(actual.whenComplete());
      for (int page = 0; page < pages; page++) {
        assertArrayEquals(expected[page], actual.copyOf(page), "page " + page + " at " + site);
      }
    }

    @Override
    public void close() throws Exception {
      writing.set(false);
      if (thread != null) {
        thread.join();
      }
      client.close();
    }
  }
}
