package io.baton.agent.runtime.runc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.container.ContainerEngine;
import io.baton.agent.runtime.container.ContainerProfile;
import io.baton.agent.runtime.container.PostCopyEngine;
import io.baton.agent.runtime.container.TestEngines;
import io.baton.pki.DevCertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the runc runtime exposes of CRIU beyond a dump and a restore, on two real runc sites: a
 * dump whose pages go over the network to the other site's page server, a lazy (post-copy)
 * restore whose pages are faulted in after the container runs, and pre-dumps, refused clearly
 * where the kernel cannot track dirtied memory. State is checked the way the handoff tests do:
 * memwork's request counter continues and its running checksum equals a full one.
 */
class RuncCriuTest {
  private static final Pattern ANSWER = Pattern.compile("counter=(\\d+) steps=(\\d+) sum=(\\w+) full=(\\w+)");
  private static final ContainerProfile MEMWORK = new ContainerProfile("baton/memwork:1",
      List.of("/usr/bin/memwork", "serve", "--mb", "16", "--dirty-kbps", "128"), 1.0, 80, List.of("/usr/bin/memwork", "query"));
  private static final Duration DAEMON_DEADLINE = Duration.ofSeconds(60);

  private static RuncEngine siteA;
  private static RuncEngine siteB;
  /** Site b's root again, without the mesh's credentials: what an intruder's CRIU would be. */
  private static RuncEngine plainB;

  @BeforeAll
  static void openSites() throws IOException {
    // Secured sites, as a mesh's are: their page traffic runs over TLS.
    DevCertificateAuthority ca = DevCertificateAuthority.open(Files.createTempDirectory("baton-runc-ca"));
    siteA = (RuncEngine) TestEngines.runc("a", Optional.of(ca.issueMember("site-a", List.of("127.0.0.1"))));
    siteB = (RuncEngine) TestEngines.runc("b", Optional.of(ca.issueMember("site-b", List.of("127.0.0.1"))));
    plainB = RuncEngine.open(TestEngines.runcSettings("b"));
    if (!siteB.hasImage("baton/memwork:1")) {
      try (InputStream image = siteA.save("baton/memwork:1")) {
        siteB.load(image);
      }
    }
  }

  @AfterEach
  void removeContainers() {
    siteA.removeBatonContainers();
    siteB.removeBatonContainers();
    plainB.removeBatonContainers();
  }

  /** The state but the memory crosses as a handoff sends it; here, copied from site a's dump. */
  private static void stageLazyCheckpoint(String source, RuncEngine targetSite, String target) throws IOException {
    Path staged = targetSite.checkpointDir(target, "lazy");
    Files.createDirectories(staged);
    try (Stream<Path> files = Files.list(siteA.checkpointDir(source, "lazy"))) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, staged.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  @AfterAll
  static void close() {
    siteA.close();
    siteB.close();
    plainB.close();
  }

  @Test
  void aDumpSendsItsPagesToTheOtherSitesPageServerAndRestoresThere() throws Exception {
    String source = started(siteA);
    Matcher before = query(siteA, source);
    String target = siteB.create("baton-paged", MEMWORK);
    int port = freePort();

    try (CriuDaemon pageServer = siteB.receivePages(target, "moved", "127.0.0.1", port)) {
      siteA.checkpointToPageServer(source, "moved", "127.0.0.1", port, true);
      pageServer.await(DAEMON_DEADLINE);
    }
    Path sent = siteA.checkpointDir(source, "moved");
    Path received = siteB.checkpointDir(target, "moved");
    assertTrue(bytes(sent) < 2_000_000, "the pages left the source: " + bytes(sent) + " bytes stayed");
    assertTrue(bytes(received) > 16_000_000, "the pages arrived at the target: " + bytes(received) + " bytes");
    // The rest of the state (a few hundred KB) crosses as the handoff sends it; here, copied.
    try (Stream<Path> files = Files.list(sent)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, received.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    siteB.startFromCheckpoint(target, "moved");

    Matcher after = query(siteB, target);
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)), "the request counter continues");
    assertEquals(after.group(3), after.group(4), "every page came back as it was");
    assertFalse(siteA.running(source));
  }

  @Test
  void aLazyRestoreRunsBeforeItsPagesAreInAndEndsWithAllOfThem() throws Exception {
    String id = started(siteA);
    Matcher before = query(siteA, id);
    siteA.checkpoint(id, "frozen", true);

    try (CriuDaemon lazyPages = siteA.startFromCheckpointLazily(id, "frozen")) {
      assertTrue(siteA.running(id), "the container runs while its pages are faulted in");
      Matcher during = query(siteA, id);
      assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(during.group(1)));
      lazyPages.await(DAEMON_DEADLINE);
    }
    Matcher after = query(siteA, id);
    assertEquals(Long.parseLong(before.group(1)) + 2, Long.parseLong(after.group(1)));
    assertEquals(after.group(3), after.group(4), "every page came back as it was");
  }

  @Test
  void aLazyCheckpointServesItsPagesToALazyRestoreAtTheOtherSite() throws Exception {
    String source = started(siteA);
    Matcher before = query(siteA, source);
    String target = siteB.create("baton-lazy", MEMWORK);
    int port = freePort();

    try (PostCopyEngine.LazyPages sourcePages = siteA.checkpointLazily(source, "lazy", "127.0.0.1", port)) {
      Path dumped = siteA.checkpointDir(source, "lazy");
      assertTrue(bytes(dumped) < 2_000_000, "the memory stayed behind, to be served: " + bytes(dumped) + " bytes dumped");
      stageLazyCheckpoint(source, siteB, target);
      try (CriuDaemon faults = siteB.startFromLazySource(target, "lazy", "127.0.0.1", port)) {
        assertTrue(siteB.running(target), "the container runs at the target before its pages are there");
        Matcher during = query(siteB, target);
        assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(during.group(1)));
        faults.await(DAEMON_DEADLINE);
        sourcePages.await(DAEMON_DEADLINE);
      }
    }
    Matcher after = query(siteB, target);
    assertEquals(Long.parseLong(before.group(1)) + 2, Long.parseLong(after.group(1)), "the request counter continues");
    assertEquals(after.group(3), after.group(4), "every page came across as it was");
    assertTrue(siteA.frozen(source), "the source keeps its frozen copy until the handoff lets it go");
  }

  @Test
  void aLazyRestoreWithoutTheMeshsCredentialsGetsNoPageAndTheSourceResumes() throws Exception {
    String source = started(siteA);
    Matcher before = query(siteA, source);
    String target = plainB.create("baton-intruder", MEMWORK);
    int port = freePort();

    try (PostCopyEngine.LazyPages sourcePages = siteA.checkpointLazily(source, "lazy", "127.0.0.1", port)) {
      stageLazyCheckpoint(source, plainB, target);
      // In clear, the daemon's first bytes are not a TLS handshake: the source's page server hangs up.
      RuntimeException refused = assertThrows(RuntimeException.class, () -> {
        try (CriuDaemon faults = plainB.startFromLazySource(target, "lazy", "127.0.0.1", port)) {
          faults.await(DAEMON_DEADLINE);
        }
      });
      assertTrue(refused.getMessage() != null, "the plain target got no pages");
      RuntimeException serving = assertThrows(RuntimeException.class, () -> sourcePages.await(DAEMON_DEADLINE));
      assertTrue(serving.getMessage().contains("TLS handshake failed"), serving.getMessage());
    }
    assertTrue(siteA.frozen(source), "the source's copy is intact, frozen");
    siteA.resumeFrozen(source);
    Matcher after = query(siteA, source);
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)), "the source runs on from its own state");
    assertEquals(after.group(3), after.group(4));
  }

  @Test
  void aLazyCheckpointWhoseTargetDiesHalfwayKeepsTheSourceToResume() throws Exception {
    String source = started(siteA);
    Matcher before = query(siteA, source);
    String target = siteB.create("baton-lazy", MEMWORK);
    int port = freePort();

    try (PostCopyEngine.LazyPages sourcePages = siteA.checkpointLazily(source, "lazy", "127.0.0.1", port)) {
      stageLazyCheckpoint(source, siteB, target);
      CriuDaemon faults = siteB.startFromLazySource(target, "lazy", "127.0.0.1", port);
      query(siteB, target);
      // The target site goes away while pages are still crossing.
      faults.close();
      siteB.remove(target);
      sourcePages.await(DAEMON_DEADLINE);
    }
    assertTrue(siteA.frozen(source), "the source's copy outlived the target, frozen");
    siteA.resumeFrozen(source);
    Matcher after = query(siteA, source);
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(after.group(1)), "the source runs on from its own state");
    assertEquals(after.group(3), after.group(4), "with every page as it was");
  }

  @Test
  void preDumpsNeedMemoryTrackingAndAreRefusedClearlyWithoutIt() throws Exception {
    String id = started(siteA);
    Matcher before = query(siteA, id);
    if (siteA.memoryTracking()) {
      siteA.preDump(id, "pre-1", Optional.empty());
      siteA.preDump(id, "pre-2", Optional.of("pre-1"));
      assertTrue(bytes(siteA.checkpointDir(id, "pre-2")) < bytes(siteA.checkpointDir(id, "pre-1")),
          "the chained pre-dump holds only what changed");
    } else {
      UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
          () -> siteA.preDump(id, "pre-1", Optional.empty()));
      assertTrue(refused.getMessage().contains("soft-dirty memory tracking"), refused.getMessage());
    }
    assertTrue(siteA.running(id), "the container runs on");
    assertEquals(Long.parseLong(before.group(1)) + 1, Long.parseLong(query(siteA, id).group(1)));
  }

  private static String started(ContainerEngine engine) throws InterruptedException {
    String id = engine.create("baton-criu", MEMWORK);
    engine.start(id);
    Thread.sleep(500);
    return id;
  }

  private static Matcher query(ContainerEngine engine, String id) {
    String answer = engine.exec(id, MEMWORK.queryCmd());
    Matcher matcher = ANSWER.matcher(answer);
    assertTrue(matcher.find(), answer);
    return matcher;
  }

  private static long bytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
