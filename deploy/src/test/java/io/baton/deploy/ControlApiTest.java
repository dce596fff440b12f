package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.broker.control.ControlApiConfig;
import io.baton.broker.control.ControlApiVerticle;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.grpc.control.ControlGrpcClient;
import io.baton.protocol.grpc.control.Event;
import io.baton.protocol.grpc.control.ListRequest;
import io.baton.protocol.grpc.control.Migration;
import io.baton.protocol.grpc.control.Node;
import io.baton.protocol.grpc.control.NodeList;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control API over real HTTP against a real three-site mesh: the token is required, bad
 * requests get 4xx with a reason and change nothing, and a deploy then a manual migration really
 * move the service, with the handoff visible in the journal and on the event stream.
 */
class ControlApiTest {
  static final String TOKEN = "test-operator-token-0123456789";
  private static LocalMesh mesh;
  private static String base;
  private static int port;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    mesh = MeshFixture.start(42, BrokerConfig.defaults().withTechnique("pre-copy"));
    ControlApiVerticle api = new ControlApiVerticle(mesh.broker(), new ControlApiConfig("127.0.42.1", 0, TOKEN, 50));
    MeshFixture.await(mesh.brokerVertx().deployVerticle(api));
    port = api.port();
    base = "http://127.0.42.1:" + port;
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void everyApiPathNeedsTheOperatorToken() throws Exception {
    HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, none.statusCode());
    assertTrue(new JsonObject(none.body()).getString("error").contains("Bearer"), none.body());
    HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes"))
        .header("Authorization", "Bearer not-the-token-at-all").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, wrong.statusCode());
    HttpResponse<String> register = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes"))
        .POST(HttpRequest.BodyPublishers.ofString(node("sneaky", "edge").encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, register.statusCode());
    assertTrue(names(get("/api/v1/nodes")).stream().noneMatch("sneaky"::equals), "nothing registered without the token");

    HttpResponse<String> openapi = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi.yaml")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, openapi.statusCode());
    assertTrue(openapi.body().startsWith("openapi: 3"), "the OpenAPI document is public");
    assertTrue(openapi.body().contains("/migrations:"));
  }

  @Test
  void badRequestsAreRefusedWithAReasonAndChangeNothing() throws Exception {
    assertRefused(post("/api/v1/nodes", "{not json"), 400, "not a JSON object");
    assertRefused(post("/api/v1/nodes", node("lab9", "toaster").encode()), 400, "'role' must be one of edge, cloud, client");
    assertRefused(post("/api/v1/nodes", node("lab 9", "edge").encode()), 400, "'name'");
    assertRefused(post("/api/v1/nodes", new JsonObject().put("name", "lab9").put("role", "edge").encode()), 400, "'endpoint'");
    assertTrue(names(get("/api/v1/nodes")).stream().noneMatch(n -> n.startsWith("lab")), "no refused node was registered");

    assertRefused(post("/api/v1/profiles", new JsonObject().put("name", "greedy").put("cpuPercent", 150).encode()), 400, "cpuPercent");
    assertRefused(post("/api/v1/services", deployment("ghost-1", "site-a", "no-such-profile").encode()), 400, "no profile");
    assertEquals(201, post("/api/v1/profiles", profile("small", 10).encode()).statusCode());
    assertRefused(post("/api/v1/services", deployment("ghost-1", "mars", "small").encode()), 400, "runs no agent");
    assertRefused(post("/api/v1/services", deployment("ghost-1", "site-a", "small").put("service", "teleporter").encode()), 400,
        "unknown service");
    assertTrue(get("/api/v1/services").stream().map(s -> ((JsonObject) s).getString("clientId")).noneMatch("ghost-1"::equals));

    assertRefused(post("/api/v1/migrations", new JsonObject().put("clientId", "nobody").put("target", "site-b").encode()), 404,
        "no client");
    assertRefused(post("/api/v1/migrations", new JsonObject().put("clientId", "nobody").put("target", "site-b")
        .put("technique", "teleport").encode()), 400, "'technique'");
    assertRefused(get("/api/v1/nowhere", 404), 404, "no such resource");
  }

  @Test
  void deployThenMigrateByHandMovesTheServiceAndTheStreamShowsIt() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    HttpRequest subscribe = HttpRequest.newBuilder(URI.create(base + "/api/v1/events?access_token=" + TOKEN)).build();
    HttpResponse<Stream<String>> stream = http.sendAsync(subscribe, HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
    assertEquals(200, stream.statusCode());
    assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElse(""));
    Thread reader = new Thread(() -> {
      try {
        stream.body().forEach(events::add);
      } catch (java.io.UncheckedIOException closed) {
        // the mesh stopped at the end of the test
      }
    });
    reader.setDaemon(true);
    reader.start();

    assertEquals(201, post("/api/v1/nodes", node("site-a", "edge").encode()).statusCode());
    assertEquals(201, post("/api/v1/nodes", node("site-b", "edge").encode()).statusCode());
    assertEquals(201, post("/api/v1/profiles", profile("counter-small", 10).encode()).statusCode());
    HttpResponse<String> deployed = post("/api/v1/services", deployment("op-car-1", "site-a", "counter-small").encode());
    assertEquals(201, deployed.statusCode(), deployed.body());
    assertEquals("site-a", new JsonObject(deployed.body()).getJsonObject("assignment").getString("site"));
    assertRefused(post("/api/v1/services", deployment("op-car-1", "site-b", "counter-small").encode()), 409, "already has its service");
    assertRefused(post("/api/v1/migrations", new JsonObject().put("clientId", "op-car-1").put("target", "site-a").encode()), 409,
        "served by site-a already");

    HttpResponse<String> started = post("/api/v1/migrations", new JsonObject().put("clientId", "op-car-1").put("target", "site-b")
        .encode());
    assertEquals(202, started.statusCode(), started.body());

    JsonObject handoff = awaitHandoff("op-car-1", "COMPLETED");
    List<String> steps = handoff.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("step")).toList();
    assertTrue(steps.containsAll(List.of("lock", "prepare", "pre-copy", "freeze", "transfer", "restore", "redirect", "release",
        "completed")), steps.toString());
    assertTrue(handoff.getJsonArray("steps").stream().allMatch(s -> ((JsonObject) s).getLong("durationMs") >= 0));
    assertEquals("site-b", handoff.getJsonObject("outcome").getString("targetSite"));
    assertTrue(handoff.getJsonObject("outcome").containsKey("metrics"), "the metrics are served with the handoff");

    JsonObject service = get("/api/v1/services").stream().map(s -> (JsonObject) s)
        .filter(s -> s.getString("clientId").equals("op-car-1")).findFirst().orElseThrow();
    assertEquals("site-b", service.getString("site"));
    assertEquals(2, service.getLong("epoch"));
    assertEquals("counter-small", service.getString("profile"));

    // Agents report every 5 s; the first report may have preceded the API's start.
    JsonObject siteA = null;
    for (long until = System.currentTimeMillis() + 12_000; System.currentTimeMillis() < until; Thread.sleep(200)) {
      siteA = get("/api/v1/nodes").stream().map(n -> (JsonObject) n).filter(n -> n.getString("name").equals("site-a"))
          .findFirst().orElseThrow();
      if (siteA.containsKey("load")) {
        break;
      }
    }
    assertEquals(true, siteA.getBoolean("agent"));
    assertTrue(List.of("green", "red").contains(siteA.getString("status")), "the agent reported its load: " + siteA);
    assertTrue(siteA.getJsonObject("load").getDouble("ramPercent") > 0);

    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline && !events.contains("event: handoff-completed")) {
      Thread.sleep(50);
    }
    synchronized (events) {
      assertTrue(events.contains("event: changed"), "registrations are streamed");
      assertTrue(events.contains("event: handoff-requested"), "handoff steps are streamed");
      assertTrue(events.contains("event: journal"), "journal entries are streamed");
      assertTrue(events.contains("event: handoff-completed"), "the outcome is streamed");
    }
  }

  @Test
  void theSameOperationsOverGrpcOnTheSamePort() throws Exception {
    GrpcClient grpc = GrpcClient.client(mesh.brokerVertx());
    try {
      Node lab = Node.newBuilder().setName("grpc-lab").setEndpoint("coap://10.0.0.9:5683").setRole("edge").setNetwork("lab-net").build();
      assertTrue(grpcFailure(grpc, ControlGrpcClient.RegisterNode, lab, false).startsWith("UNAUTHENTICATED"));
      assertTrue(grpcFailure(grpc, ControlGrpcClient.RegisterNode, lab.toBuilder().setRole("toaster").build(), true)
          .startsWith("INVALID_ARGUMENT: 'role' must be one of edge, cloud, client"));
      assertTrue(grpcFailure(grpc, ControlGrpcClient.Migrate, Migration.newBuilder().setClientId("nobody").setTarget("site-b").build(),
          true).startsWith("NOT_FOUND"));

      List<Event> events = Collections.synchronizedList(new ArrayList<>());
      GrpcClientRequest<ListRequest, Event> subscription = MeshFixture.await(
          grpc.request(SocketAddress.inetSocketAddress(port, "127.0.42.1"), ControlGrpcClient.Subscribe));
      subscription.headers().set("authorization", "Bearer " + TOKEN);
      subscription.end(ListRequest.getDefaultInstance());
      MeshFixture.await(subscription.response()).handler(events::add);

      assertEquals("grpc-lab", grpcCall(grpc, ControlGrpcClient.RegisterNode, lab).getName());
      NodeList nodes = grpcCall(grpc, ControlGrpcClient.ListNodes, ListRequest.getDefaultInstance());
      assertTrue(nodes.getNodesList().stream().anyMatch(n -> n.getName().equals("grpc-lab") && n.getStatus().equals("unknown")));
      assertTrue(grpcCall(grpc, ControlGrpcClient.ListHandoffs, ListRequest.getDefaultInstance()) != null);
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline && events.stream().noneMatch(e -> e.getName().equals("changed")
          && e.getJson().contains("grpc-lab"))) {
        Thread.sleep(50);
      }
      assertTrue(events.stream().anyMatch(e -> e.getName().equals("changed") && e.getJson().contains("grpc-lab")),
          "the registration came down the server stream: " + events);
    } finally {
      grpc.close();
    }
  }

  private static <Req, Resp> Resp grpcCall(GrpcClient grpc, ServiceMethod<Resp, Req> method, Req message) throws Exception {
    return MeshFixture.await(grpcExchange(grpc, method, message, true));
  }

  /** The status and message of a call that must fail. */
  private static <Req, Resp> String grpcFailure(GrpcClient grpc, ServiceMethod<Resp, Req> method, Req message, boolean token)
      throws Exception {
    Throwable failure = grpcExchange(grpc, method, message, token).toCompletionStage().toCompletableFuture()
        .handle((reply, error) -> error).get(30, TimeUnit.SECONDS);
    assertTrue(failure != null, "the call should have been refused");
    return failure.getMessage();
  }

  private static <Req, Resp> io.vertx.core.Future<Resp> grpcExchange(GrpcClient grpc, ServiceMethod<Resp, Req> method, Req message,
      boolean token) {
    return grpc.request(SocketAddress.inetSocketAddress(port, "127.0.42.1"), method).compose((GrpcClientRequest<Req, Resp> request) -> {
      if (token) {
        request.headers().set("authorization", "Bearer " + TOKEN);
      }
      request.end(message);
      return request.response().compose(response -> response.last().transform(done -> response.status() == GrpcStatus.OK
          ? io.vertx.core.Future.<Resp>succeededFuture(done.result())
          : io.vertx.core.Future.<Resp>failedFuture(response.status().name() + ": " + response.statusMessage())));
    });
  }

  private static JsonObject awaitHandoff(String clientId, String status) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      for (Object entry : get("/api/v1/handoffs")) {
        JsonObject handoff = (JsonObject) entry;
        if (handoff.getJsonObject("request").getString("clientId").equals(clientId) && handoff.getString("status").equals(status)) {
          return handoff;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + status + " handoff of " + clientId + " within 30 s: " + get("/api/v1/handoffs"));
  }

  static JsonObject node(String name, String role) {
    return new JsonObject().put("name", name).put("endpoint", "coap://10.0.0.1:5683").put("role", role).put("network", "lab-net");
  }

  static JsonObject profile(String name, double cpu) {
    return new JsonObject().put("name", name).put("cpuPercent", cpu).put("gpuPercent", 0).put("ramPercent", 10);
  }

  static JsonObject deployment(String clientId, String node, String profile) {
    return new JsonObject().put("clientId", clientId).put("service", "counter").put("node", node).put("profile", profile)
        .put("stateful", true);
  }

  private static List<String> names(JsonArray nodes) {
    return nodes.stream().map(n -> ((JsonObject) n).getString("name")).toList();
  }

  private static void assertRefused(HttpResponse<String> response, int status, String reason) {
    assertEquals(status, response.statusCode(), response.body());
    String error = new JsonObject(response.body()).getString("error");
    assertTrue(error.contains(reason), "'" + error + "' should say " + reason);
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, int expected) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN)
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, response.statusCode(), response.body());
    return response;
  }

  private static JsonArray get(String path) throws Exception {
    return new JsonArray(get(path, 200).body());
  }
}
