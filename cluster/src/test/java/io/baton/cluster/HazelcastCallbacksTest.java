package io.baton.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.pki.DevCertificateAuthority;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of asynchronous map reads through Vert.x's Hazelcast map, across two real secured
 * members (127.0.89.x), complete without a thread started per read. On a 2-core machine (CI's)
 * Hazelcast's own fallback would start one for each: the load that stalled the mesh. And what a
 * stall report says about each member's invocations.
 */
class HazelcastCallbacksTest {
  private static final int PORT = 5701;
  private static final List<String> MEMBERS = List.of("127.0.89.1:" + PORT, "127.0.89.2:" + PORT);
  private static final int KEYS = 200;
  private static final int READS = 4_000;
  private static final int IN_FLIGHT = 400;

  @TempDir
  static Path credentials;

  private static Vertx first;
  private static Vertx second;

  @BeforeAll
  static void startTwoMembers() throws Exception {
    DevCertificateAuthority authority = DevCertificateAuthority.open(credentials);
    first = await(ClusterMember.start("127.0.89.1", PORT, MEMBERS, authority.issueMember("m-1", List.of("127.0.89.1"))));
    second = await(ClusterMember.start("127.0.89.2", PORT, MEMBERS, authority.issueMember("m-2", List.of("127.0.89.2"))));
  }

  @AfterAll
  static void stop() throws Exception {
    await(Future.join(first.close(), second.close()));
  }

  @Test
  void asynchronousReadsDoNotStartAThreadEach() throws Exception {
    AsyncMap<String, String> map = await(first.sharedData().<String, String>getAsyncMap("callbacks-test"));
    List<Future<Void>> writes = new ArrayList<>();
    for (int key = 0; key < KEYS; key++) {
      writes.add(map.put("key-" + key, "value-" + key));
    }
    await(Future.all(writes));

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long startedBefore = threads.getTotalStartedThreadCount();
    int correct = 0;
    for (int done = 0; done < READS; done += IN_FLIGHT) {
      List<Future<String>> reads = new ArrayList<>();
      for (int i = done; i < done + IN_FLIGHT; i++) {
        reads.add(map.get("key-" + i % KEYS));
      }
      await(Future.all(reads));
      for (int i = 0; i < reads.size(); i++) {
        correct += reads.get(i).result().equals("value-" + (done + i) % KEYS) ? 1 : 0;
      }
    }
    long started = threads.getTotalStartedThreadCount() - startedBefore;

    assertEquals(READS, correct, "every read returned its key's value");
    // Vert.x and Hazelcast start a few threads of their own meanwhile (timers, pools growing).
    assertTrue(started < READS / 10, started + " threads started for " + READS + " reads");
  }

  @Test
  void aStallReportSaysWhatEachMemberWaitsFor() {
    String report = HazelcastInvocations.describe();
    assertTrue(report.contains("[127.0.89.1]:5701: ") && report.contains("[127.0.89.2]:5701: "), report);
    assertTrue(report.contains(" pending {") && report.contains(" responses queued"), report);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
