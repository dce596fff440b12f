package io.baton.cluster;

import static io.baton.cluster.ClusterTests.join;
import static io.baton.cluster.ClusterTests.nodes;
import static io.baton.cluster.ClusterTests.waitFor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.security.CredentialLayout;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members with the cluster's credentials form a cluster over TLS and exchange events; a process
 * without them (another CA's certificate, a client's certificate, or plain Hazelcast) neither
 * joins nor receives an event. Real Hazelcast members on 127.0.80.x.
 */
class ClusterSecurityTest {
  private static final int PORT = 5701;
  private static final List<String> MEMBERS =
      List.of("127.0.80.1:" + PORT, "127.0.80.2:" + PORT, "127.0.80.3:" + PORT, "127.0.80.4:" + PORT,
          "127.0.80.5:" + PORT);
  private static final String ADDRESS = "security.test";

  @TempDir
  static Path credentials;
  @TempDir
  static Path otherCredentials;

  private static DevCertificateAuthority authority;
  private static Vertx first;
  private static Vertx second;
  private static final List<String> heardBySecond = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startTwoMembers() {
    authority = DevCertificateAuthority.open(credentials);
    first = join(ClusterMember.start("127.0.80.1", PORT, MEMBERS,
        authority.issueMember("member-1", List.of("127.0.80.1"))));
    second = join(ClusterMember.start("127.0.80.2", PORT, MEMBERS,
        authority.issueMember("member-2", List.of("127.0.80.2"))));
    join(second.eventBus().<String>consumer(ADDRESS, message -> heardBySecond.add(message.body())).completion());
  }

  @AfterAll
  static void stop() {
    join(Future.join(first.close(), second.close()));
  }

  @Test
  void membersWithTheClusterCredentialsFormAClusterAndExchangeEvents() throws Exception {
    assertEquals(2, nodes(first));
    assertEquals(2, nodes(second));
    first.eventBus().publish(ADDRESS, "hello");
    assertTrue(waitFor(() -> heardBySecond.contains("hello")), "second member got the event");
  }

  @Test
  void aMemberCertifiedByAnotherAuthorityCannotJoinNorListen() throws Exception {
    MemberCredentials rogue = DevCertificateAuthority.open(otherCredentials).issueMember("rogue", List.of("127.0.80.3"));
    assertOutsider(() -> join(ClusterMember.start("127.0.80.3", PORT, MEMBERS, rogue)), "from another CA");
  }

  @Test
  void aClientCertificateCannotPassForAMember() throws Exception {
    authority.issueClient("phone-1", true);
    CredentialLayout layout = authority.layout();
    MemberCredentials member = MemberCredentials.load(credentials, "member-1");
    MemberCredentials phone = new MemberCredentials("phone-1", layout.clientCertificate("phone-1"),
        layout.clientKey("phone-1"), member.clusterCaPem(), member.clientCaPem(), member.meshSecret(),
        member.operatorToken());
    assertOutsider(() -> join(ClusterMember.start("127.0.80.4", PORT, MEMBERS, phone)), "with a client certificate");
  }

  @Test
  void aPlainHazelcastMemberWithoutTlsCannotJoinNorListen() throws Exception {
    VertxOptions options = new VertxOptions().setEventBusOptions(
        new EventBusOptions().setHost("127.0.80.5").setPort(0).setClusterPublicHost("127.0.80.5"));
    HazelcastClusterManager plain = new HazelcastClusterManager(ClusterMember.hazelcastConfig("127.0.80.5", PORT, MEMBERS));
    assertOutsider(() -> join(Vertx.builder().with(options).withClusterManager(plain).buildClustered()), "without TLS");
  }

  /**
   * The outsider either gives up joining (Hazelcast stops a member whose every handshake is
   * refused) or ends up alone in a cluster of its own; either way the real cluster does not grow
   * and no event reaches it.
   */
  private static void assertOutsider(java.util.function.Supplier<Vertx> start, String who) throws Exception {
    Vertx outsider;
    try {
      outsider = start.get();
    } catch (RuntimeException refused) {
      assertEquals(2, nodes(first), "the cluster did not grow");
      return;
    }
    List<String> heard = new CopyOnWriteArrayList<>();
    try {
      join(outsider.eventBus().<String>consumer(ADDRESS, message -> heard.add(message.body())).completion());
      assertEquals(1, nodes(outsider), "the member " + who + " sees only itself");
      assertEquals(2, nodes(first), "the cluster did not grow");
      String event = "secret for " + who;
      first.eventBus().publish(ADDRESS, event);
      assertTrue(waitFor(() -> heardBySecond.contains(event)), "the real member got the event");
      // the outsider had the same time to receive it, and a second more
      TimeUnit.SECONDS.sleep(1);
      assertTrue(heard.isEmpty(), "the member " + who + " received " + heard);
    } finally {
      join(outsider.close());
    }
  }
}
