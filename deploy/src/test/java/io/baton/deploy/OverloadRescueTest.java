package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.broker.BrokerConfig;
import io.baton.broker.control.ControlApiConfig;
import io.baton.broker.control.ControlApiVerticle;
import io.baton.broker.control.ControlService;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.Addresses;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.NodeLoad;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An overloaded node's services move, through real handoffs, where seed 001's Algorithm I says:
 * site-a and site-b are edge nodes of one network, site-c is the cloud. The test plays the agents'
 * load reports (the machine's real CPU load cannot be set), stamped later than the real agents'
 * own reports so those do not override it; everything after the report is the real path.
 */
class OverloadRescueTest {
  private static LocalMesh mesh;
  private static ControlService control;

  @BeforeAll
  static void start() throws Exception {
    mesh = MeshFixture.start(44, BrokerConfig.defaults().withTechnique("pre-copy"));
    ControlApiVerticle api = new ControlApiVerticle(mesh.broker(),
        new ControlApiConfig("127.0.44.1", 0, "overload-test-token-0001", 50, "nearest-green"));
    MeshFixture.await(mesh.brokerVertx().deployVerticle(api));
    control = api.control();
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void servicesOfARedNodeGoToTheNearestGreenNodeThenTheCloud() throws Exception {
    List<HandoffCompleted> completed = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_COMPLETED);
    register("site-a", "edge", "campus");
    register("site-b", "edge", "campus");
    register("site-c", "cloud", "datacenter");
    // Green first, so the real reports of this busy machine (older stamps from now on) cannot start a rescue.
    long later = System.currentTimeMillis() + 3_600_000;
    report(new NodeLoad("site-a", 20, 30, -1, 4, 1L << 30, later));
    report(new NodeLoad("site-b", 38, 30, -1, 8, 8L << 30, later));
    MeshFixture.await(control.registerProfile(new JsonObject().put("name", "nginx").put("cpuPercent", 10).put("ramPercent", 5)));
    for (String app : List.of("app-1", "app-2", "app-3")) {
      MeshFixture.await(control.deploy(new JsonObject().put("clientId", app).put("service", "counter").put("node", "site-a")
          .put("profile", "nginx")));
    }

    report(new NodeLoad("site-a", 75, 30, -1, 4, 1L << 30, later + 1));

    MeshFixture.awaitPublished(completed, 3);
    ClientDirectory clients = new ClientDirectory(mesh.brokerVertx());
    Map<String, String> placed = new TreeMap<>();
    for (String app : List.of("app-1", "app-2", "app-3")) {
      placed.put(app, MeshFixture.await(clients.find(app)).orElseThrow().site());
    }
    // 38 + 10 < 50 fits site-b once; the next would make 58, and the campus has no other green node.
    assertEquals(Map.of("app-1", "site-b", "app-2", "site-c", "app-3", "site-c"), placed);
  }

  private static void register(String name, String role, String network) throws Exception {
    MeshFixture.await(control.registerNode(new JsonObject().put("name", name).put("endpoint", "coap://" + name + ":5683")
        .put("role", role).put("network", network)));
  }

  private static void report(NodeLoad load) {
    mesh.brokerVertx().eventBus().publish(Addresses.NODE_LOAD, load);
  }
}
