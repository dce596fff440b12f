package io.baton.deploy.bench;

import io.baton.agent.MqttSettings;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.mesh.MosquittoBroker;
import io.baton.pki.DevCertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The MQTT broker a load run gives its sites: one Mosquitto on the mesh's broker address, shared by
 * every agent, secured like a deployment's (TLS, logins, ACLs). Not the embedded Moquette 0.17: a
 * QoS 1 message it resends loses a reference, the later acknowledgement throws, and the exception
 * ends one of its session threads for good, so every session on it stalls ("Session command queue
 * is full", moquette-io/moquette#871). It takes a few hundred messages a second to get there.
 */
final class BenchBroker implements AutoCloseable {
  private final MeshLayout layout;
  private final MosquittoBroker broker;

  private BenchBroker(MeshLayout layout, MosquittoBroker broker) {
    this.layout = layout;
    this.broker = broker;
  }

  /**
   * Issues the mesh's credentials (the broker needs them for its certificate and password file),
   * starts Mosquitto on {@code plain}'s broker host, and returns the layout whose sites use it.
   * {@code clients} and {@code gateways}: every login that will connect.
   */
  static BenchBroker start(MeshLayout plain, int port, List<String> clients, List<String> gateways) {
    try {
      Path dir = Files.createTempDirectory("baton-bench-credentials-");
      DevCertificateAuthority authority = DevCertificateAuthority.open(dir);
      List<String> sites = IntStream.range(0, plain.siteHosts().size()).mapToObj(MeshLayout::siteId).toList();
      for (int i = 0; i < sites.size(); i++) {
        authority.issueMember(sites.get(i), List.of(plain.siteHosts().get(i)));
      }
      MosquittoBroker broker = new MosquittoBroker(plain.brokerHost(), port, dir, sites, clients, gateways);
      return new BenchBroker(plain.withCredentials(dir).withMqtt(MqttSettings.external(broker.uri())), broker);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Mosquitto for the run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting Mosquitto", e);
    }
  }

  MeshLayout layout() {
    return layout;
  }

  @Override
  public void close() {
    try {
      broker.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
