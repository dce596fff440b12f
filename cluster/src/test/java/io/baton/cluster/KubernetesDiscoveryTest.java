package io.baton.cluster;

import static io.baton.cluster.ClusterTests.join;
import static io.baton.cluster.ClusterTests.nodes;
import static io.baton.cluster.ClusterTests.waitFor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.internal.util.HostnameUtil;
import io.baton.pki.DevCertificateAuthority;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceListBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real TLS members started through {@link ClusterMember} with Hazelcast's Kubernetes discovery,
 * pointed at a Kubernetes API mock server (fabric8) that serves the EndpointSlice of the headless
 * Service {@code baton-members} in namespace {@code baton}: two endpoints, 127.0.170.1 and
 * 127.0.170.2, port 5701. No member list is given: they find each other through the API, form one
 * cluster of two and exchange an event. A listener on 127.0.170.3:5701, an address the slice does
 * not list, is never contacted.
 */
class KubernetesDiscoveryTest {
  private static final String NAMESPACE = "baton";
  private static final String SERVICE = "baton-members";
  private static final String TOKEN = "token-of-the-test";
  private static final int PORT = 5701;
  private static final String FIRST = "127.0.170.1";
  private static final String SECOND = "127.0.170.2";
  private static final String ABSENT = "127.0.170.3";
  private static final String SLICES = "/apis/discovery.k8s.io/v1/namespaces/" + NAMESPACE + "/endpointslices";
  private static final String SLICES_OF_SERVICE = SLICES + "?labelSelector=kubernetes.io/service-name=" + SERVICE;

  @TempDir
  static Path credentials;

  private static KubernetesMockServer api;
  private static ServerSocket absent;
  private static final AtomicInteger contactsOfAbsent = new AtomicInteger();
  private static Vertx first;
  private static Vertx second;
  private static final List<String> heardBySecond = new CopyOnWriteArrayList<>();
  private static final List<String> apiRequests = new ArrayList<>();

  @BeforeAll
  static void startApiAndTwoMembers() throws Exception {
    api = new KubernetesMockServer(false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    EndpointSlice slice = membersSlice();
    // Hazelcast 5.3 first lists the namespace's slices (to learn the API has them), then reads the service's.
    api.expect().get().withPath(SLICES).andReturn(200, new EndpointSliceListBuilder().addToItems(slice).build()).always();
    api.expect().get().withPath(SLICES_OF_SERVICE).andReturn(200, new EndpointSliceListBuilder().addToItems(slice).build())
        .always();
    // Its own pod, for partition-group metadata (the Role grants get on pods), and the pod's node,
    // which the Role does not grant: answered as the API server would.
    String podName = Optional.ofNullable(System.getenv("POD_NAME")).orElseGet(HostnameUtil::getLocalHostname);
    api.expect().get().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods/" + podName)
        .andReturn(200, new PodBuilder().withNewMetadata().withName(podName).withNamespace(NAMESPACE).endMetadata()
            .withNewSpec().withNodeName("node-a").endSpec().build())
        .always();
    api.expect().get().withPath("/api/v1/nodes/node-a")
        .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
            .withMessage("nodes \"node-a\" is forbidden").build())
        .always();

    absent = new ServerSocket();
    absent.bind(new InetSocketAddress(ABSENT, PORT));
    Thread listener = new Thread(KubernetesDiscoveryTest::countContacts, "absent-member");
    listener.setDaemon(true);
    listener.start();

    DevCertificateAuthority authority = DevCertificateAuthority.open(credentials);
    first = join(ClusterMember.start(FIRST, PORT, discovery(), authority.issueMember("member-1", List.of(FIRST))));
    second = join(ClusterMember.start(SECOND, PORT, discovery(), authority.issueMember("member-2", List.of(SECOND))));
    join(second.eventBus().<String>consumer("kubernetes.test", message -> heardBySecond.add(message.body())).completion());
    int requests = api.getRequestCount();
    for (int i = 0; i < requests; i++) {
      var request = api.takeRequest(1, TimeUnit.SECONDS);
      if (request != null) {
        apiRequests.add(request.getMethod() + " " + request.getPath() + " " + request.getHeader("Authorization"));
      }
    }
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (first != null && second != null) {
        join(Future.join(first.close(), second.close()));
      }
    } finally {
      if (absent != null) {
        absent.close();
      }
      api.destroy();
    }
  }

  @Test
  void membersFoundThroughTheServiceEndpointsFormOneClusterOfTwo() throws Exception {
    assertEquals(2, nodes(first));
    assertEquals(2, nodes(second));
    first.eventBus().publish("kubernetes.test", "found you");
    assertTrue(waitFor(() -> heardBySecond.contains("found you")), "the second member got the first's event");
  }

  @Test
  void theMembersAskedTheApiForTheServiceEndpointsWithTheirToken() {
    assertTrue(apiRequests.stream().anyMatch(r -> r.equals("GET " + SLICES_OF_SERVICE + " Bearer " + TOKEN)), apiRequests.toString());
    assertTrue(apiRequests.stream().allMatch(r -> r.startsWith("GET ")), "discovery only reads: " + apiRequests);
  }

  @Test
  void anAddressAbsentFromTheEndpointsIsNotContacted() {
    assertEquals(2, nodes(first), "the cluster formed");
    assertEquals(0, contactsOfAbsent.get(), "connections to " + ABSENT + ":" + PORT);
  }

  @Test
  void theJoinConfigUsesKubernetesOnlyWithTheDocumentedProperties() {
    Config config = ClusterMember.hazelcastConfig(FIRST, PORT, discovery());
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertFalse(join.getTcpIpConfig().isEnabled(), "no member list");
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals(SERVICE, join.getKubernetesConfig().getProperty("service-name"));
    assertEquals(NAMESPACE, join.getKubernetesConfig().getProperty("namespace"));
    assertEquals("true", join.getKubernetesConfig().getProperty("resolve-not-ready-addresses"));
    assertEquals("false", join.getKubernetesConfig().getProperty("expose-externally"));

    KubernetesDiscovery inPod = KubernetesDiscovery.inCluster(SERVICE, NAMESPACE);
    assertEquals(List.of("service-name", "namespace", "resolve-not-ready-addresses", "expose-externally"),
        List.copyOf(inPod.properties().keySet()), "in a pod, Hazelcast's defaults: in-cluster API, the service account's token and CA");
    assertFalse(discovery().toString().contains(TOKEN), "the token is not printed");
  }

  private static ClusterMember.Discovery discovery() {
    return ClusterMember.Discovery.kubernetes(new KubernetesDiscovery(SERVICE, NAMESPACE,
        "http://" + api.getHostName() + ":" + api.getPort(), TOKEN, null));
  }

  /** The headless Service's slice as the endpoint-slice controller writes it. */
  private static EndpointSlice membersSlice() {
    EndpointSliceBuilder slice = new EndpointSliceBuilder()
        .withNewMetadata().withName(SERVICE + "-x7k2p").withNamespace(NAMESPACE)
        .addToLabels("kubernetes.io/service-name", SERVICE).endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName("hazelcast").withPort(PORT).withProtocol("TCP").endPort();
    int pod = 0;
    for (String address : List.of(FIRST, SECOND)) {
      slice.addNewEndpoint().withAddresses(address)
          .withNewConditions().withReady(true).endConditions()
          .withNewTargetRef().withKind("Pod").withName("baton-broker-" + pod++).withNamespace(NAMESPACE).endTargetRef()
          .endEndpoint();
    }
    return slice.build();
  }

  private static void countContacts() {
    while (!absent.isClosed()) {
      try (Socket contact = absent.accept()) {
        contactsOfAbsent.incrementAndGet();
      } catch (IOException closed) {
        return;
      }
    }
  }
}
