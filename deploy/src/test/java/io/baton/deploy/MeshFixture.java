package io.baton.deploy;

import io.baton.agent.MqttSettings;
import io.baton.broker.BrokerConfig;
import io.baton.deploy.cluster.LocalMesh;
import io.baton.deploy.cluster.MeshLayout;
import io.baton.protocol.event.BatonEvent;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts a three-site mesh for one test class, each class on its own loopback /24. */
final class MeshFixture {
  private MeshFixture() {
  }

  static LocalMesh start(int subnet, BrokerConfig broker) throws Exception {
    return LocalMesh.start(layout(subnet), broker);
  }

  /** The sites also speak MQTT: each through its own embedded broker on {@code port}, or all through one external broker. */
  static LocalMesh start(int subnet, BrokerConfig broker, MqttSettings mqtt) throws Exception {
    return LocalMesh.start(layout(subnet).withMqtt(mqtt), broker);
  }

  private static MeshLayout layout(int subnet) {
    String prefix = "127.0." + subnet + ".";
    return new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3, prefix + 4), 5701, 5683, 7443);
  }

  /** Collects every event published on {@code address}, as seen by the given member. */
  static <T extends BatonEvent> List<T> collect(Vertx member, String address) throws Exception {
    List<T> events = Collections.synchronizedList(new ArrayList<>());
    member.eventBus().<T>consumer(address, message -> events.add(message.body()))
        .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return events;
  }

  static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(60, TimeUnit.SECONDS);
  }
}
