package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Held calls against a real Californium server (127.0.60.97, this class's own address) that stays
 * silent for a while and then answers: one call refused must not keep the calls held behind it
 * waiting for ever.
 */
class HeldCallsTest {
  private static final long SILENT_MS = 1_200;
  private CoapServer site;
  private volatile long silentUntil;

  @BeforeEach
  void startSite() {
    silentUntil = System.currentTimeMillis() + SILENT_MS;
    CoapConfig.register();
    UdpConfig.register();
    Configuration config = Configuration.createStandardWithoutFile();
    site = new CoapServer(config);
    site.addEndpoint(CoapEndpoint.builder().setConfiguration(config).setInetSocketAddress(new InetSocketAddress("127.0.60.97", 5683)).build());
    CoapResource service = new CoapResource("service");
    service.add(new CoapResource("van-9") {
      private long value;

      @Override
      public void handlePOST(CoapExchange exchange) {
        if (System.currentTimeMillis() < silentUntil) {
          return; // silent: no response, as from a site that lost its link
        }
        JsonObject call = new JsonObject(exchange.getRequestText());
        if (call.getString("op").equals("explode")) {
          exchange.respond(ResponseCode.BAD_REQUEST, "unknown op 'explode'");
          return;
        }
        synchronized (this) {
          value++;
          exchange.respond(ResponseCode.CONTENT, new JsonObject().put("requestId", call.getString("requestId"))
              .put("result", new JsonObject().put("value", value)).put("site", "site-x").put("epoch", 1).encode());
        }
      }
    });
    site.add(service);
    site.start();
  }

  @AfterEach
  void stopSite() {
    site.destroy();
  }

  @Test
  void aRefusedProbeReleasesTheCallsHeldBehindIt() throws Exception {
    try (BatonClient client = BatonClient.builder().clientId("van-9").service("counter").site("coap://127.0.60.97:5683")
        .attemptTimeout(Duration.ofMillis(300)).build()) {
      // The bad call goes first, so it is the one that probes the silent site for the others.
      CompletableFuture<CallResult> bad = client.call(new JsonObject().put("op", "explode"));
      List<CompletableFuture<CallResult>> good = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        good.add(client.call(new JsonObject().put("op", "increment")));
      }
      ExecutionException refused = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
      assertEquals("4.00", assertInstanceOf(BatonException.class, refused.getCause()).code());
      List<Long> values = new ArrayList<>();
      for (CompletableFuture<CallResult> call : good) {
        values.add(call.get(10, TimeUnit.SECONDS).result().getLong("value"));
      }
      values.sort(Long::compare);
      assertEquals(List.of(1L, 2L, 3L), values);
    }
  }

  @Test
  void callsHeldPastTheirMaximumFailAndDoNotStrandTheGate() throws Exception {
    RetryPolicy shortHold = new RetryPolicy(Duration.ofMillis(200), Duration.ofMillis(20), Duration.ofMillis(500), 100);
    try (BatonClient client = BatonClient.builder().clientId("van-9").service("counter").site("coap://127.0.60.97:5683")
        .retry(shortHold).build()) {
      // Both are held at the silent site and take turns probing it; whichever gives up first must
      // hand the probe on, or the other would wait for ever.
      List<CompletableFuture<CallResult>> held = List.of(client.call(new JsonObject().put("op", "increment")),
          client.call(new JsonObject().put("op", "increment")));
      for (CompletableFuture<CallResult> call : held) {
        ExecutionException gaveUp = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertEquals("timeout", assertInstanceOf(BatonException.class, gaveUp.getCause()).code());
      }
      while (System.currentTimeMillis() < silentUntil) {
        Thread.sleep(50);
      }
      // With nobody left holding, the gate is open: a new call goes out and is answered.
      assertEquals(1L, client.call(new JsonObject().put("op", "increment")).get(10, TimeUnit.SECONDS).result().getLong("value"));
    }
  }

  @Test
  void manyCallsHeldBehindOneProbeEachFailAtTheirMaximum() throws Exception {
    silentUntil = System.currentTimeMillis() + 3_000;
    RetryPolicy shortHold = new RetryPolicy(Duration.ofMillis(300), Duration.ofMillis(20), Duration.ofMillis(1_000), 100);
    try (BatonClient client = BatonClient.builder().clientId("van-9").service("counter").site("coap://127.0.60.97:5683")
        .retry(shortHold).build()) {
      // Thirty calls queue behind one probe at the silent site; probing them one by one (backoff up
      // to a second each) would keep the last waiting long past its maximum.
      List<CompletableFuture<CallResult>> held = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        held.add(client.call(new JsonObject().put("op", "increment")));
      }
      for (CompletableFuture<CallResult> call : held) {
        ExecutionException gaveUp = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
        assertEquals("timeout", assertInstanceOf(BatonException.class, gaveUp.getCause()).code());
      }
      while (System.currentTimeMillis() < silentUntil) {
        Thread.sleep(50);
      }
      assertEquals(1L, client.call(new JsonObject().put("op", "increment")).get(10, TimeUnit.SECONDS).result().getLong("value"));
    }
  }
}
