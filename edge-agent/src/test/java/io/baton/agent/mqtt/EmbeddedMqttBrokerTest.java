package io.baton.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * A Moquette session loop that dies (what its double release of a QoS 1 buffer does under load)
 * would leave every client routed to it waiting forever; the embedded broker restarts instead.
 * The loop is made to die the way Moquette's own commands kill it: a command on it throws.
 */
class EmbeddedMqttBrokerTest {
  private static final String CLIENT = "loop-victim";

  @Test
  void aDeadSessionLoopRestartsTheBrokerAndItsClientsConnectAgain() throws Exception {
    EmbeddedMqttBroker broker = new EmbeddedMqttBroker("127.0.77.1", 18831, Optional.empty());
    broker.start();
    try {
      killSessionLoopOf(broker, CLIENT);
      long until = System.nanoTime() + 10_000_000_000L;
      while (broker.restarts() == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertEquals(1, broker.restarts(), "the broker restarted after its session loop died");

      // The client whose commands go to that loop connects, subscribes and is served again.
      MqttClient client = new MqttClient("tcp://127.0.77.1:18831", CLIENT, new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setConnectionTimeout(5);
      client.connect(options);
      client.subscribe("baton/test", 1);
      assertTrue(client.isConnected());
      client.disconnect();
      client.close();
    } finally {
      broker.stop();
    }
  }

  /** Runs a throwing command on the session loop that serves {@code clientId}, as Moquette routes its own. */
  private static void killSessionLoopOf(EmbeddedMqttBroker broker, String clientId) throws Exception {
    Object server = broker.moquette();
    Field dispatcher = server.getClass().getDeclaredField("dispatcher");
    dispatcher.setAccessible(true);
    Object postOffice = dispatcher.get(server);
    Method route = postOffice.getClass().getDeclaredMethod("routeCommand", String.class, String.class, Callable.class);
    route.setAccessible(true);
    Callable<String> failing = () -> {
      throw new IllegalStateException("a command that throws, as a double release does");
    };
    route.invoke(postOffice, clientId, "test", failing);
  }
}
