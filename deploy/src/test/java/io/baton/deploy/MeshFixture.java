package io.baton.deploy;

import io.baton.agent.MqttSettings;
import io.baton.broker.BrokerConfig;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.security.ClientCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import io.baton.protocol.event.BatonEvent;
import io.baton.protocol.event.HandoffCompleted;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts a three-site mesh for one test class, each class on its own loopback /24. */
public final class MeshFixture {
  private MeshFixture() {
  }

  static LocalMesh start(int subnet, BrokerConfig broker) throws Exception {
    return LocalMesh.start(layout(subnet), broker);
  }

  /** The sites also speak MQTT: each through its own embedded broker on {@code port}, or all through one external broker. */
  static LocalMesh start(int subnet, BrokerConfig broker, MqttSettings mqtt) throws Exception {
    return LocalMesh.start(layout(subnet).withMqtt(mqtt), broker);
  }

  /**
   * A mesh secured as by default: a development CA in a fresh directory, a member certificate per
   * site (valid for its address), so every agent serves coaps:// and MQTT over TLS with logins.
   */
  static MeshLayout layout(int subnet) throws Exception {
    String prefix = "127.0." + subnet + ".";
    return secured(MeshLayout.onPrefix(prefix));
  }

  /** {@code plain} with a fresh development CA and a member certificate per site. */
  static MeshLayout secured(MeshLayout plain) throws Exception {
    Path dir = Files.createTempDirectory("baton-credentials-");
    DevCertificateAuthority authority = DevCertificateAuthority.open(dir);
    for (int i = 0; i < plain.siteHosts().size(); i++) {
      authority.issueMember(MeshLayout.siteId(i), List.of(plain.siteHosts().get(i)));
    }
    return plain.withCredentials(dir);
  }

  /** A client's credentials from the mesh's CA: a certificate and secrets, or (psk) secrets only. */
  static ClientCredentials client(LocalMesh mesh, String clientId, boolean certificate) {
    return authority(mesh).issueClient(clientId, certificate);
  }

  public static ClientCredentials client(LocalMesh mesh, String clientId) {
    return client(mesh, clientId, true);
  }

  static ClientCredentials gateway(LocalMesh mesh, String gatewayId) {
    return authority(mesh).issueGateway(gatewayId);
  }

  static DevCertificateAuthority authority(LocalMesh mesh) {
    return DevCertificateAuthority.open(mesh.credentials().dir());
  }

  /**
   * Collects every event published on {@code address}, as seen by the given member; telemetry,
   * published in batches, is collected report by report.
   */
  @SuppressWarnings("unchecked")
  static <T extends BatonEvent> List<T> collect(Vertx member, String address) throws Exception {
    List<T> events = Collections.synchronizedList(new ArrayList<>());
    member.eventBus().<BatonEvent>consumer(address, message -> {
      if (message.body() instanceof io.baton.protocol.event.TelemetryReportedBatch batch) {
        batch.reports().forEach(report -> events.add((T) report));
      } else {
        events.add((T) message.body());
      }
    })
        .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return events;
  }

  static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(60, TimeUnit.SECONDS);
  }

  /**
   * Waits until {@code published} holds {@code count} events, then a little longer: anything
   * published before the last of them would have arrived by then. Returns a copy.
   */
  static <T> List<T> awaitPublished(List<T> published, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (published.size() >= count) {
        Thread.sleep(200);
        synchronized (published) {
          return List.copyOf(published);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("fewer than " + count + " events published within 10 s");
  }

  /** The handoffs of one client, as "from->to", in the order they completed. */
  static List<String> route(List<HandoffCompleted> completed, String clientId) {
    synchronized (completed) {
      return completed.stream().filter(h -> h.clientId().equals(clientId)).map(h -> h.sourceSite() + "->" + h.targetSite()).toList();
    }
  }

  /**
   * A test payload: verbatim, or {@code GOOD:old>new}, the good payload with one edit; an edit that
   * changes nothing is a mistake in the test.
   */
  static String expand(String good, String payload) {
    if (!payload.startsWith("GOOD:")) {
      return payload;
    }
    String[] edit = payload.substring(5).split(">", -1);
    String expanded = good.replace(edit[0], edit[1]);
    if (expanded.equals(good)) {
      throw new IllegalArgumentException("edit " + payload + " changed nothing");
    }
    return expanded;
  }
}
