package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.MqttSettings;
import io.baton.broker.BrokerConfig;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.examples.ArSessionClient;
import io.baton.examples.VehicleTelematics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two example apps, as a reader runs them against {@code baton demo --stay} (here a mesh of
 * the same shape on its own addresses): the vehicle over MQTT, the AR headset over CoAP, at once,
 * each through two handoffs, nothing lost, nothing done twice.
 */
class ExamplesTest {
  private static LocalMesh mesh;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshFixture.start(64, BrokerConfig.defaults(), MqttSettings.embedded(18834));
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void theVehicleAndTheHeadsetKeepTheirServicesAcrossTwoHandoffs() throws Exception {
    ByteArrayOutputStream vehicleOut = new ByteArrayOutputStream();
    ByteArrayOutputStream headsetOut = new ByteArrayOutputStream();
    String broker = mesh.site("site-a").orElseThrow().config().mqttEndpoint();
    String coap = mesh.site("site-a").orElseThrow().config().coapEndpoint();
    CompletableFuture<VehicleTelematics.Summary> vehicle = CompletableFuture.supplyAsync(() -> unchecked(() ->
        VehicleTelematics.run("truck-42", Optional.of(MeshFixture.client(mesh, "truck-42")), "site-a", broker, 3, 200, 60, print(vehicleOut))));
    CompletableFuture<ArSessionClient.Summary> headset = CompletableFuture.supplyAsync(() -> unchecked(() ->
        ArSessionClient.run("glasses-7", Optional.of(MeshFixture.client(mesh, "glasses-7", false)), coap, 3, 200, 60, 20, 16, print(headsetOut))));

    VehicleTelematics.Summary drive = MeshFixture.await(vehicle);
    String printed = vehicleOut.toString(StandardCharsets.UTF_8);
    assertEquals(2, drive.handoffs().size(), printed);
    assertTrue(drive.sent() > 50, printed);
    assertEquals(drive.sent(), drive.answered(), printed);
    assertEquals(drive.answered(), drive.odometer(), "each trip update counted once\n" + printed);
    assertTrue(printed.contains("service moved site-a -> site-b") && printed.contains("service moved site-b -> site-c"), printed);

    ArSessionClient.Summary session = MeshFixture.await(headset);
    printed = headsetOut.toString(StandardCharsets.UTF_8);
    assertEquals(2, session.handoffs().size(), printed);
    assertTrue(session.sent() > 50, printed);
    assertEquals(session.sent(), session.matched(), "every overlay matched its frame\n" + printed);
    assertEquals(session.sent(), session.sessionFrames(), "the session saw each frame once\n" + printed);
  }

  private static PrintStream print(ByteArrayOutputStream sink) {
    return new PrintStream(sink, true, StandardCharsets.UTF_8);
  }

  private interface Run<T> {
    T call() throws Exception;
  }

  private static <T> T unchecked(Run<T> run) {
    try {
      return run.call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
