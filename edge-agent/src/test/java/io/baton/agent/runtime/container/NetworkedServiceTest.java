package io.baton.agent.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.InstanceNotServingException;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Networked services on two real sites of one backend (a subclass per backend): the netkv
 * workload (deploy/workloads/netkv, image baton/netkv:1) listens on its own port, which its engine
 * makes reachable from the host, and the runtime forwards calls to it over HTTP. Its hand-written
 * HTTP parser is tried at its classic failures through that port; a handoff with CRIU keeps the
 * server listening and its counter and keys, and the replies by request id move with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NetworkedServiceTest {
  private static final Pattern COUNTER = Pattern.compile("\\{\"counter\":(\\d+)}");
  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.0 (\\d{3}) ");

  private Vertx vertx;
  private ContainerEngine engineA;
  private ContainerEngine engineB;
  private ContainerSite siteA;
  private ContainerSite siteB;
  private int instances;
  private int requests;

  /** The engine of site "a" or "b" of the backend under test. */
  abstract ContainerEngine open(String site);

  /** The loopback address of test site {@code n} and its transfer port, distinct per backend. */
  abstract String address(int n);

  abstract int port(int n);

  @BeforeAll
  void startSites() throws Exception {
    vertx = Vertx.vertx();
    engineA = open("a");
    engineB = open("b");
    siteA = await(new ContainerSite(vertx, "site-a", address(1), port(1), engineA, 0).start());
    siteB = await(new ContainerSite(vertx, "site-b", address(2), port(2), engineB, 0).start());
  }

  @BeforeEach
  void cleanEngines() {
    TestEngines.removeBatonContainers(engineA);
    TestEngines.removeBatonContainers(engineB);
    // The workload's own layer must cross with the first handoff.
    engineB.removeImage("baton/netkv:1");
  }

  @AfterEach
  void removeContainers() {
    TestEngines.removeBatonContainers(engineA);
    TestEngines.removeBatonContainers(engineB);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      TestEngines.removeBatonContainers(engineA);
      TestEngines.removeBatonContainers(engineB);
    } finally {
      await(siteA.stop());
      await(siteB.stop());
      await(vertx.close());
    }
  }

  @Test
  void netkvRefusesBadRequestsClearlyAndServesOnThroughThem() throws Exception {
    String id = deploy(TestEngines.netkv());
    SocketAddress port = siteA.runtime().instance(id).orElseThrow().serviceAddress();

    // A request split over several reads, its body too.
    try (Socket socket = connect(port)) {
      for (String part : List.of("PO", "ST /cou", "nter HTTP/1.1\r\nHost: x\r", "\n\r", "\n")) {
        socket.getOutputStream().write(part.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        Thread.sleep(50);
      }
      assertEquals("{\"counter\":1}", body(readAll(socket)));
    }
    try (Socket socket = connect(port)) {
      socket.getOutputStream().write("PUT /kv/k HTTP/1.0\r\nContent-Length: 5\r\n\r\nab".getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(100);
      socket.getOutputStream().write("cde".getBytes(StandardCharsets.US_ASCII));
      assertEquals("{\"key\":\"k\",\"value\":\"abcde\"}", body(readAll(socket)));
    }

    // Several connections at once: ten half-sent requests delay no one else.
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        Socket socket = connect(port);
        socket.getOutputStream().write("GET /coun".getBytes(StandardCharsets.US_ASCII));
        idle.add(socket);
      }
      long start = System.nanoTime();
      assertEquals(200, status(exchange(port, "GET /counter HTTP/1.0\r\n\r\n")));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "answered beside ten idle connections");
      // Left alone, each of them is timed out with a clear 408.
      assertEquals(408, status(readAll(idle.get(0))));
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }

    // Oversized: a 20 KB header, a body over the limit.
    assertEquals(413, status(exchange(port, "GET /counter HTTP/1.0\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")));
    assertEquals(413, status(exchange(port, "POST /kv/x HTTP/1.0\r\nContent-Length: 100000\r\n\r\n" + "a".repeat(100_000))));

    // Garbage and near misses: 400 (or 501, 404, 405), never a crash.
    for (String garbage : List.of("\u0000\u0001\u0002garbage", "garbage\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
        "GET /counter HTTP/1.0\r\nNoColon\r\n\r\n", "POST / HTTP/1.0\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "GET /kv/../etc HTTP/1.0\r\n\r\n",
        "PUT /kv/a HTTP/1.0\r\nContent-Length: 1\r\n\r\n\"", "GET /\u00ff HTTP/1.0\r\n\r\n", "incomplete")) {
      assertEquals(400, status(exchange(port, garbage)), garbage);
    }
    assertEquals(501, status(exchange(port, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")));
    assertEquals(404, status(exchange(port, "GET /nowhere HTTP/1.0\r\n\r\n")));
    assertEquals(405, status(exchange(port, "DELETE /counter HTTP/1.0\r\n\r\n")));

    // Still the same process, its state only changed by the valid requests; its health check too.
    assertEquals("{\"counter\":1}", body(exchange(port, "GET /counter HTTP/1.0\r\n\r\n")));
    assertEquals("{\"ok\":true,\"counter\":1,\"keys\":1}", await(siteA.runtime().health(id)));
    assertTrue(engineA.running(container(siteA, id)));
  }

  @Test
  void aHandedOffServiceKeepsItsStateAndAnswersOverItsPortAtTheTarget() throws Exception {
    String id = deploy(TestEngines.netkv());
    assertEquals(1, counter(call(siteA, id, new JsonObject())));
    assertEquals(2, counter(call(siteA, id, new JsonObject().put("path", "/counter"))));
    JsonObject put = call(siteA, id, new JsonObject().put("method", "PUT").put("path", "/kv/trip").put("body", "to-b"));
    assertEquals("{\"key\":\"trip\",\"value\":\"to-b\"}", put.getString("answer"));
    ServiceCall third = new ServiceCall("r-" + (++requests), new JsonObject());
    assertEquals(3, counter(await(siteA.runtime().call(id, third))));
    SocketAddress portAtA = siteA.runtime().instance(id).orElseThrow().serviceAddress();

    ContainerLink link = await(siteA.linkTo("site-b", siteB.host(), siteB.port()));
    HandoffReport ahead = await(siteA.handoff().prestage(id, link));
    assertEquals(4, counter(call(siteA, id, new JsonObject())), "serving at a while staged at b");
    SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "pre-copy"));
    System.out.println(ahead.describe() + report);

    assertTrue(report.restored(), report.toString());
    assertFalse(siteA.runtime().state(id).isPresent(), "the source let go of the instance");
    assertEquals(0, TestEngines.batonContainers(engineA).size(), "nothing left at a");
    SocketAddress portAtB = siteB.runtime().instance(id).orElseThrow().serviceAddress();
    assertEquals(portAtB, engineB.serviceAddress(container(siteB, id), 8080), "the address read back after the restore");
    assertTrue(portAtA != null && portAtB != null);

    // The counter and the key went along, and the server listens at the target's port.
    JsonObject fifth = call(siteB, id, new JsonObject());
    assertEquals("site-b", fifth.getString("site"));
    assertEquals(200, fifth.getInteger("status"));
    assertEquals(5, counter(fifth));
    assertEquals("{\"key\":\"trip\",\"value\":\"to-b\"}",
        call(siteB, id, new JsonObject().put("method", "GET").put("path", "/kv/trip")).getString("answer"));
    assertEquals(404, call(siteB, id, new JsonObject().put("method", "GET").put("path", "/kv/none")).getInteger("status"));
    assertEquals("{\"counter\":5}", body(exchange(portAtB, "GET /counter HTTP/1.0\r\n\r\n")));
    // A call sent again after the handoff gets its first answer, from site-a, not a new execution.
    JsonObject again = await(siteB.runtime().call(id, third));
    assertEquals("site-a", again.getString("site"));
    assertEquals(3, counter(again));
    assertEquals(6, counter(call(siteB, id, new JsonObject())));
    assertEquals("{\"ok\":true,\"counter\":6,\"keys\":1}", await(siteB.runtime().health(id)));

    // And back to a, cold this time (everything after the request): listening again, at a new port.
    SagaSteps.Outcome back = await(SagaSteps.handOff(siteB, siteA, id, "cold"));
    System.out.println(back);
    assertTrue(back.restored(), back.toString());
    assertEquals("cold-ahead", back.precopied().stopReason());
    assertEquals(0, TestEngines.batonContainers(engineB).size(), "nothing left at b");
    assertEquals(7, counter(call(siteA, id, new JsonObject())));
    assertEquals("{\"key\":\"trip\",\"value\":\"to-b\"}",
        call(siteA, id, new JsonObject().put("method", "GET").put("path", "/kv/trip")).getString("answer"));
    assertEquals(3, counter(await(siteA.runtime().call(id, third))), "the replies came back too");
  }

  @Test
  void callsDuringCheckpointsNeverCrossThemAndEachRunsOnce() throws Exception {
    String id = deploy(TestEngines.netkv());
    ContainerLink link = await(siteA.linkTo("site-b", siteB.host(), siteB.port()));
    List<Future<JsonObject>> calls = new ArrayList<>();
    AtomicInteger sent = new AtomicInteger();
    // Calls every 10 ms from the event loop, through the pre-stage's leave-running checkpoint and the freeze.
    long timer = vertx.setPeriodic(10, t -> {
      ContainerSite site = siteA.runtime().state(id).isPresent() ? siteA : siteB;
      synchronized (calls) {
        calls.add(site.runtime().call(id, new ServiceCall("burst-" + sent.incrementAndGet(), new JsonObject())));
      }
    });
    try {
      Thread.sleep(300);
      await(siteA.handoff().prestage(id, link));
      Thread.sleep(300);
      SagaSteps.Outcome report = await(SagaSteps.handOff(siteA, siteB, id, "pre-copy"));
      assertTrue(report.restored(), report.toString());
      Thread.sleep(300);
    } finally {
      vertx.cancelTimer(timer);
    }
    List<Long> answered = new ArrayList<>();
    int notServing = 0;
    synchronized (calls) {
      for (Future<JsonObject> call : calls) {
        try {
          answered.add(counter(await(call)));
        } catch (ExecutionException failed) {
          assertInstanceOf(InstanceNotServingException.class, failed.getCause(), failed.getCause().toString());
          notServing++;
        }
      }
    }
    // Each answered call executed once: its counters are 1, 2, 3, ... with no gap and no repeat
    // (calls admitted together after a checkpoint may run in any order).
    List<Long> sorted = answered.stream().sorted().toList();
    for (int i = 0; i < sorted.size(); i++) {
      assertEquals(i + 1, sorted.get(i), "answers " + answered);
    }
    assertTrue(answered.size() > 50, "answered " + answered.size() + " of " + calls.size());
    assertTrue(notServing < calls.size() / 2, notServing + " refused while frozen, of " + calls.size());
    assertEquals("{\"counter\":" + answered.size() + "}", body(exchange(siteB.runtime().instance(id).orElseThrow().serviceAddress(),
        "GET /counter HTTP/1.0\r\n\r\n")));
  }

  @Test
  void aServiceThatDoesNotAnswerFailsTheCallAtTheDeadline() throws Exception {
    // busybox nc accepts the connection and never replies (its input is a pipe nothing is written to).
    String id = deploy(new ContainerProfile("baton/busybox:1", List.of("sh", "-c", "sleep 1000 | nc -l -p 8080"), 0.5, 32,
        List.of(), 8080));
    Thread.sleep(300);
    long start = System.nanoTime();
    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(siteA.runtime().call(id, new ServiceCall("r-" + (++requests), new JsonObject()))));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(ContainerRuntime.ServiceDeadlineException.class, failed.getCause(), failed.getCause().toString());
    assertTrue(failed.getCause().getMessage().contains("did not answer POST / within 3000 ms"), failed.getCause().getMessage());
    assertTrue(tookMillis >= 2900 && tookMillis < 6000, "failed after " + tookMillis + " ms");
  }

  @Test
  void aPortIsValidated() {
    for (Object bad : List.of(0, 65536, -1, "8080", 80.5)) {
      assertTrue(siteA.runtime().validate(ContainerProfile.KIND, TestEngines.netkv().toOptions().put("port", bad))
          .failed(), "port " + bad);
    }
    assertEquals(8080, ContainerProfile.fromOptions(TestEngines.netkv().toOptions()).port());
  }

  private static long counter(JsonObject reply) {
    Matcher matcher = COUNTER.matcher(reply.getString("answer", ""));
    assertTrue(matcher.matches(), reply.encode());
    return Long.parseLong(matcher.group(1));
  }

  private JsonObject call(ContainerSite site, String id, JsonObject body) throws Exception {
    return await(site.runtime().call(id, new ServiceCall("r-" + (++requests), body)));
  }

  private String deploy(ContainerProfile profile) throws Exception {
    String id = "net-" + (++instances);
    await(siteA.runtime().deploy(new InstanceSpec(id, "client-" + instances, ContainerProfile.KIND, 1, profile.toOptions())));
    return id;
  }

  private static String container(ContainerSite site, String id) {
    return site.runtime().instance(id).orElseThrow().containerId();
  }

  private static Socket connect(SocketAddress service) throws IOException {
    Socket socket = new Socket(service.host(), service.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends {@code request}, closes the sending side and reads the whole reply. */
  private static String exchange(SocketAddress port, String request) throws IOException {
    try (Socket socket = connect(port)) {
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.shutdownOutput();
      } catch (SocketException stoppedReading) {
        // An oversized request: the server may stop reading before all of it is sent.
      }
      return readAll(socket);
    }
  }

  private static String readAll(Socket socket) throws IOException {
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    for (int n; (n = in.read(buffer)) > 0; ) {
      reply.write(buffer, 0, n);
    }
    return reply.toString(StandardCharsets.ISO_8859_1);
  }

  private static int status(String reply) {
    Matcher matcher = STATUS.matcher(reply);
    assertTrue(matcher.find(), "an HTTP/1.0 reply: " + reply);
    return Integer.parseInt(matcher.group(1));
  }

  private static String body(String reply) {
    int start = reply.indexOf("\r\n\r\n");
    assertTrue(start > 0, reply);
    return reply.substring(start + 4).strip();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
