package io.baton.agent.runtime.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.AgentConfig;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.TransferPlane;
import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.directory.LinkProfile;
import io.baton.protocol.directory.LinkTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The page relay between two real transfer planes (mutual TLS with member certificates, emulated
 * links from the link table), with plain sockets standing in for CRIU at both ends: a "page
 * server" at site-a that streams deterministic bytes while it reads and hashes what comes, and a
 * "lazy-pages daemon" at site-b doing the mirror image. Aimed at a relay's classic failures:
 * bytes reordered or lost when both directions and several relays run at once under pacing, a
 * stranger or a second connection let through, and one end's death not reaching the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageRelayTest {
  private static final String HOST_A = "127.0.83.1";
  private static final String HOST_B = "127.0.83.2";

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private Vertx vertx;
  private TransferPlane planeA;
  private TransferPlane planeB;
  private PageRelay source;
  private PageRelay target;
  private ServerSocket pageServer;
  private final AtomicInteger pageServerConnections = new AtomicInteger();
  private final List<Socket> pageServerSockets = new ArrayList<>();

  @BeforeAll
  void startPlanes() throws Exception {
    vertx = Vertx.vertx();
    DevCertificateAuthority ca = DevCertificateAuthority.open(Files.createTempDirectory("baton-relay-ca"));
    planeA = new TransferPlane(vertx, new AgentConfig("site-a", HOST_A, 0, 17_841)
        .withCredentials(ca.issueMember("site-a", List.of(HOST_A))), ChunkStore.DEFAULT_BUDGET_BYTES);
    planeB = new TransferPlane(vertx, new AgentConfig("site-b", HOST_B, 0, 17_842)
        .withCredentials(ca.issueMember("site-b", List.of(HOST_B))), ChunkStore.DEFAULT_BUDGET_BYTES);
    source = new PageRelay(planeA);
    target = new PageRelay(planeB);
    await(planeA.start());
    await(planeB.start());
  }

  @AfterEach
  void stopPageServer() throws Exception {
    LinkTable links = new LinkTable(vertx);
    await(links.clear("site-a", "site-b"));
    if (pageServer != null) {
      pageServer.close();
    }
    synchronized (pageServerSockets) {
      for (Socket socket : pageServerSockets) {
        socket.close();
      }
      pageServerSockets.clear();
    }
    pageServerConnections.set(0);
  }

  @AfterAll
  void stop() throws Exception {
    threads.shutdownNow();
    await(planeA.stop());
    await(planeB.stop());
    await(vertx.close());
  }

  @Test
  void threeRelaysCarryBothDirectionsIntactAndPacedAtOnce() throws Exception {
    // 24 Mbps each way, 10 ms round trip: every byte waits on the emulator's timers.
    await(new LinkTable(vertx).set("site-a", "site-b", LinkProfile.ofMbps(24, 10)));
    int up = 1 << 20;
    int down = 3 << 20;
    startPageServer(down, up, Integer.MAX_VALUE);
    long sentBefore = source.bytesSent();
    long askedBefore = target.bytesSent();
    long started = System.nanoTime();
    List<CompletableFuture<Void>> daemons = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String instance = "van-" + i;
      source.serve(instance, SocketAddress.inetSocketAddress(pageServer.getLocalPort(), "127.0.0.1"));
      SocketAddress relayed = await(target.open(instance, "site-a", HOST_A + ":17841"));
      daemons.add(CompletableFuture.runAsync(() -> daemon(relayed, up, down), threads));
    }
    CompletableFuture.allOf(daemons.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - started) / 1e9;

    assertEquals(3, pageServerConnections.get());
    assertTrue(source.bytesSent() - sentBefore >= 3L * (down + 32), "the pages crossed the plane: " + source.bytesSent());
    assertTrue(target.bytesSent() - askedBefore >= 3L * up, "the requests crossed the plane: " + target.bytesSent());
    // 9 MB down one 24 Mbps link take 3.1 s on the wire; unpaced, they take a fraction of that.
    assertTrue(seconds > 2.5, "the relays share the emulated link's bandwidth: " + seconds + " s");
  }

  @Test
  void anInstanceNotFrozenHereOrAPageServerGoneGetsNothing() throws Exception {
    SocketAddress unknown = await(target.open("nobody", "site-a", HOST_A + ":17841"));
    assertClosedWithoutData(unknown);

    source.serve("gone", SocketAddress.inetSocketAddress(freePort(), "127.0.0.1"));
    assertClosedWithoutData(await(target.open("gone", "site-a", HOST_A + ":17841")));

    startPageServer(1 << 16, 0, Integer.MAX_VALUE);
    source.serve("released", SocketAddress.inetSocketAddress(pageServer.getLocalPort(), "127.0.0.1"));
    source.forget("released");
    assertClosedWithoutData(await(target.open("released", "site-a", HOST_A + ":17841")));
    assertEquals(0, pageServerConnections.get(), "no stream reached a page server it was not meant for");
  }

  @Test
  void onlyTheFirstConnectionIsRelayed() throws Exception {
    startPageServer(1 << 16, 0, Integer.MAX_VALUE);
    source.serve("van-once", SocketAddress.inetSocketAddress(pageServer.getLocalPort(), "127.0.0.1"));
    SocketAddress relayed = await(target.open("van-once", "site-a", HOST_A + ":17841"));
    try (Socket first = new Socket(relayed.host(), relayed.port())) {
      first.setSoTimeout(10_000);
      assertEquals(1 << 16, first.getInputStream().readNBytes(1 << 16).length);
      try (Socket second = new Socket(relayed.host(), relayed.port())) {
        second.setSoTimeout(10_000);
        assertEquals(-1, second.getInputStream().read(), "a second connection is closed");
      } catch (java.net.ConnectException refused) {
        // the listener closed once the daemon's connection came: as good
      }
    }
    assertEquals(1, pageServerConnections.get());
  }

  @Test
  void aPageServerDyingEndsTheDaemonsConnection() throws Exception {
    // The page server dies after 64 KB: the daemon sees its connection end.
    startPageServer(1 << 20, 0, 1 << 16);
    source.serve("van-dies", SocketAddress.inetSocketAddress(pageServer.getLocalPort(), "127.0.0.1"));
    SocketAddress relayed = await(target.open("van-dies", "site-a", HOST_A + ":17841"));
    try (Socket daemon = new Socket(relayed.host(), relayed.port())) {
      daemon.setSoTimeout(10_000);
      byte[] got;
      try {
        got = daemon.getInputStream().readAllBytes();
      } catch (java.net.SocketException reset) {
        got = new byte[0];
      }
      // The page server's reset may drop what it had not sent yet: a prefix, then the end.
      assertTrue(got.length <= 1 << 16, "what came before the end, then the end: " + got.length);
      assertArrayEquals(java.util.Arrays.copyOf(bytes(7, 1 << 16), got.length), got);
    }

  }

  @Test
  void aTargetGivingUpEndsTheSourcesConnection() throws Exception {
    // The target gives up on a restore: the source's page server sees its connection end.
    startPageServer(0, 0, -1);
    source.serve("van-aborted", SocketAddress.inetSocketAddress(pageServer.getLocalPort(), "127.0.0.1"));
    SocketAddress aborted = await(target.open("van-aborted", "site-a", HOST_A + ":17841"));
    try (Socket daemon = new Socket(aborted.host(), aborted.port())) {
      daemon.getOutputStream().write(new byte[] {1, 2, 3});
      Socket atSource = awaitConnection(1);
      atSource.setSoTimeout(10_000);
      InputStream in = atSource.getInputStream();
      assertArrayEquals(new byte[] {1, 2, 3}, in.readNBytes(3));
      target.close("van-aborted");
      assertEquals(-1, in.read(), "the page server's connection ended with the restore");
    }
  }

  /**
   * A stand-in page server: streams {@code down} deterministic bytes (or dies after {@code dieAfter}
   * of them), reads {@code up} bytes and answers their SHA-256, then holds the connection until the
   * other end closes it. A negative {@code dieAfter}: it does nothing, the test drives the socket.
   */
  private void startPageServer(int down, int up, int dieAfter) throws IOException {
    pageServerSockets.clear();
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    pageServer = server;
    threads.submit(() -> {
      while (!server.isClosed()) {
        Socket socket;
        try {
          socket = server.accept();
        } catch (IOException closed) {
          return;
        }
        pageServerConnections.incrementAndGet();
        synchronized (pageServerSockets) {
          pageServerSockets.add(socket);
        }
        if (dieAfter >= 0) {
          threads.submit(() -> servePages(socket, down, up, dieAfter));
        }
      }
    });
  }

  private void servePages(Socket socket, int down, int up, int dieAfter) {
    try (socket) {
      if (dieAfter < down) {
        socket.getOutputStream().write(bytes(7, dieAfter));
        socket.setSoLinger(true, 0);
        return;
      }
      InputStream in = socket.getInputStream();
      CompletableFuture<byte[]> heard = CompletableFuture.supplyAsync(() -> digest(in, up), threads);
      OutputStream out = socket.getOutputStream();
      writeDeterministic(out, 7, down);
      if (up > 0) {
        out.write(heard.get(120, TimeUnit.SECONDS));
        out.flush();
      }
      in.readAllBytes();
    } catch (Exception e) {
      // the test's checks say what went wrong
    }
  }

  /** A stand-in lazy-pages daemon: sends {@code up} bytes while it reads {@code down} and the page server's digest. */
  private void daemon(SocketAddress relayed, int up, int down) {
    try (Socket socket = new Socket(relayed.host(), relayed.port())) {
      socket.setSoTimeout(60_000);
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        try {
          writeDeterministic(socket.getOutputStream(), 11, up);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, threads);
      InputStream in = socket.getInputStream();
      byte[] pages = in.readNBytes(down);
      assertArrayEquals(sha256(bytes(7, down)), sha256(pages), "the pages came as they were sent, in order");
      assertArrayEquals(sha256(bytes(11, up)), in.readNBytes(32), "the page server heard the requests as they were sent");
      sent.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The socket must end (or be refused) without a byte. */
  private static void assertClosedWithoutData(SocketAddress relayed) throws IOException {
    try (Socket socket = new Socket(relayed.host(), relayed.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(new byte[] {1});
      assertEquals(-1, socket.getInputStream().read());
    } catch (java.net.SocketException reset) {
      // closed hard: as good
    }
  }

  private Socket awaitConnection(int count) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      synchronized (pageServerSockets) {
        if (pageServerSockets.size() >= count) {
          return pageServerSockets.get(count - 1);
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the relay never reached the page server");
  }

  private static byte[] digest(InputStream in, int size) {
    try {
      return sha256(in.readNBytes(size));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeDeterministic(OutputStream out, long seed, int size) throws IOException {
    byte[] all = bytes(seed, size);
    // Small and odd-sized writes, as a daemon's requests and a server's pages come.
    for (int at = 0; at < size; at += 4099) {
      out.write(all, at, Math.min(4099, size - at));
    }
    out.flush();
  }

  private static byte[] bytes(long seed, int size) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
