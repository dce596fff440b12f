package io.baton.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * Paho 1.2.5 stops reconnecting for good when one reconnect attempt throws at once (it only logs
 * it). An agent's link must not stay deaf then: its watch reconnects it and subscribes again. The
 * test makes Paho give up the way a user disconnect does, after which Paho itself never reconnects.
 */
class BrokerLinkTest {
  private static final String URI = "tcp://127.0.77.2:18835";

  @Test
  void aLinkPahoGaveUpOnIsReconnectedAndSubscribedAgain() throws Exception {
    EmbeddedMqttBroker broker = new EmbeddedMqttBroker("127.0.77.2", 18835, Optional.empty());
    broker.start();
    Vertx vertx = Vertx.vertx();
    MqttClient publisher = new MqttClient(URI, "link-test-publisher", new MemoryPersistence());
    try {
      List<String> received = new CopyOnWriteArrayList<>();
      Context context = vertx.getOrCreateContext();
      Promise<BrokerLink> connected = Promise.promise();
      context.runOnContext(v -> {
        BrokerLink link = new BrokerLink(context, URI, "link-under-test", Map.of("baton/test/#", 1), Optional.empty(),
            (topic, payload) -> received.add(topic));
        link.connect().map(link).onComplete(connected);
      });
      BrokerLink link = connected.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      MqttConnectOptions options = new MqttConnectOptions();
      options.setConnectionTimeout(5);
      publisher.connect(options);
      publisher.publish("baton/test/before", new byte[] {1}, 1, false);
      awaitTopic(received, "baton/test/before", 5_000);

      link.paho().disconnectForcibly(0, 1_000);
      assertTrue(!link.paho().isConnected());
      // Paho will not come back by itself; within the stall time and a watch period the link must.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BrokerLink.STALL_MILLIS + 10_000);
      while (!received.contains("baton/test/after") && System.nanoTime() < deadline) {
        publisher.publish("baton/test/after", new byte[] {2}, 1, false);
        Thread.sleep(250);
      }
      assertTrue(received.contains("baton/test/after"), "the link stayed deaf after Paho gave up: " + received);
      context.runOnContext(v -> link.close());
    } finally {
      if (publisher.isConnected()) {
        publisher.disconnect();
      }
      publisher.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      broker.stop();
    }
  }

  private static void awaitTopic(List<String> received, String topic, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!received.contains(topic) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(received.contains(topic), "never received " + topic + ": " + received);
  }
}
