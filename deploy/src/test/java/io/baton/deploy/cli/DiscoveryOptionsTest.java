package io.baton.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.ClusterMember;
import io.baton.cluster.KubernetesDiscovery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A member finds the others by --members or by --kubernetes-service (flags or BATON_* variables), exactly one. */
class DiscoveryOptionsTest {
  @TempDir
  Path dir;

  @Test
  void theKubernetesServiceAndNamespaceComeFromTheirVariables() {
    BrokerCommand broker = parse(Map.of("BATON_HOST", "10.0.0.5", "BATON_KUBERNETES_SERVICE", "baton-members",
        "BATON_KUBERNETES_NAMESPACE", "baton"), "broker");
    KubernetesDiscovery kubernetes = assertInstanceOf(ClusterMember.Kubernetes.class, broker.member.discovery()).kubernetes();
    assertEquals(KubernetesDiscovery.inCluster("baton-members", "baton"), kubernetes);
    assertNull(kubernetes.master(), "in a pod: Hazelcast's in-cluster defaults");
  }

  @Test
  void outsideAPodTheMasterTokenAndCaAreGiven() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "abc.def\n");
    Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nxyz\n-----END CERTIFICATE-----\n");
    AgentCommand agent = parse(Map.of("BATON_SITE", "site-k", "BATON_HOST", "127.0.170.9"), "agent",
        "--kubernetes-service", "baton-members", "--kubernetes-master", "https://10.96.0.1:443",
        "--kubernetes-token-file", token.toString(), "--kubernetes-ca-file", ca.toString());
    KubernetesDiscovery kubernetes = assertInstanceOf(ClusterMember.Kubernetes.class, agent.member.discovery()).kubernetes();
    assertEquals("https://10.96.0.1:443", kubernetes.properties().get("kubernetes-master"));
    assertEquals("abc.def", kubernetes.properties().get("api-token"), "trimmed");
    assertTrue(kubernetes.properties().get("ca-certificate").startsWith("-----BEGIN CERTIFICATE-----"));
    assertNull(kubernetes.namespace(), "Hazelcast's fallback: the pod's namespace");
  }

  @Test
  void aMemberListStaysAMemberList() {
    BrokerCommand broker = parse(Map.of("BATON_HOST", "127.0.170.1", "BATON_MEMBERS", "127.0.170.1:5701,127.0.170.2:5701"), "broker");
    assertEquals(List.of("127.0.170.1:5701", "127.0.170.2:5701"),
        assertInstanceOf(ClusterMember.MemberList.class, broker.member.discovery()).members());
  }

  @Test
  void neitherOrBothOrKubernetesOptionsWithAListAreRefusedInOneLine() {
    assertRefused(Map.of("BATON_HOST", "127.0.170.1"), "missing --members");
    assertRefused(Map.of("BATON_HOST", "127.0.170.1", "BATON_MEMBERS", "127.0.170.1:5701",
        "BATON_KUBERNETES_SERVICE", "baton-members"), "not both");
    assertRefused(Map.of("BATON_HOST", "127.0.170.1", "BATON_MEMBERS", "127.0.170.1:5701",
        "BATON_KUBERNETES_NAMESPACE", "baton"), "go with --kubernetes-service");
    BrokerCommand broker = parse(Map.of("BATON_HOST", "127.0.170.1"), "broker");
    assertThrows(IllegalArgumentException.class, broker.member::discovery);
  }

  /** `baton broker` refuses before it looks for credentials (none are given here), exit 2, one line. */
  private static void assertRefused(Map<String, String> environment, String reason) {
    StringWriter err = new StringWriter();
    CommandLine cli = BatonCli.commandLine(new HashMap<>(environment));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("broker"), err.toString());
    assertTrue(err.toString().startsWith("baton: ") && err.toString().contains(reason), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
  }

  @SuppressWarnings("unchecked")
  private static <T> T parse(Map<String, String> environment, String... args) {
    return (T) BatonCli.commandLine(environment).parseArgs(args).subcommand().commandSpec().userObject();
  }
}
