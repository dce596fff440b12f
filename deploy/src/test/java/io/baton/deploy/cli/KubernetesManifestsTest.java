package io.baton.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.ClusterMember;
import io.baton.deploy.ops.EnvironmentDefaults;
import io.baton.deploy.ops.HealthServer;
import io.baton.protocol.security.CredentialLayout;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * deploy/kubernetes/'s manifests, parsed by fabric8's Kubernetes model and held to what the code
 * reads: each member's BATON_* variables parse into its real command (and discover through the
 * headless Service), its mounts make the credential layout {@code MemberCredentials} loads, its
 * probes hit the health server's paths and port; the Secrets are references only, the Role grants
 * what Hazelcast's discovery reads and no more. Nothing here runs a cluster or an image.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Path.of("kubernetes");
  private static final String NAMESPACE = "baton";
  /** What the pod's downward-API fields stand for when the variables are parsed. */
  private static final Map<String, String> FIELDS = Map.of("status.podIP", "10.0.0.5", "spec.nodeName", "node-a",
      "metadata.namespace", NAMESPACE, "metadata.name", "baton-pod-0");

  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final List<HasMetadata> resources = new ArrayList<>();
  private static final Map<String, String> fileOf = new HashMap<>();

  @BeforeAll
  static void parse() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted().toList()) {
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
          if (document.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("#"))) {
            continue;
          }
          HasMetadata resource = YAML.unmarshal(document, HasMetadata.class);
          assertNotNull(resource, file + " has a document that is no resource");
          resources.add(resource);
          fileOf.put(resource.getKind() + "/" + resource.getMetadata().getName(), file.getFileName().toString());
        }
      }
    }
    assertEquals(10, resources.size(), "resources parsed");
  }

  @Test
  void theKustomizationListsEveryManifestAndPutsAllInTheNamespace() throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> kustomization = YAML.unmarshal(Files.readString(DIR.resolve("kustomization.yaml")), Map.class);
    assertEquals(NAMESPACE, kustomization.get("namespace"));
    assertEquals(new TreeSet<>(fileOf.values()), new TreeSet<>((List<?>) kustomization.get("resources")));
    for (HasMetadata resource : resources) {
      if (resource instanceof Namespace namespace) {
        assertEquals(NAMESPACE, namespace.getMetadata().getName());
      } else {
        assertEquals(NAMESPACE, resource.getMetadata().getNamespace(), name(resource));
      }
    }
    assertEquals(1, of(Namespace.class).size());
  }

  @Test
  void brokersAreATwoReplicaStatefulSetGovernedByAHeadlessService() {
    StatefulSet brokers = one(StatefulSet.class, "baton-broker");
    assertEquals(2, brokers.getSpec().getReplicas());
    Service governing = one(Service.class, brokers.getSpec().getServiceName());
    assertEquals("None", governing.getSpec().getClusterIP());
    assertSelects(governing, brokers.getSpec().getTemplate());
    assertFalse(selects(governing, one(DaemonSet.class, "baton-agent").getSpec().getTemplate()), "agents are not brokers");
    assertFalse(selects(governing, one(Deployment.class, "baton-predictor").getSpec().getTemplate()));
    assertEquals(brokers.getSpec().getSelector().getMatchLabels(), brokers.getSpec().getTemplate().getMetadata().getLabels());
    DaemonSet agents = one(DaemonSet.class, "baton-agent");
    assertEquals(agents.getSpec().getSelector().getMatchLabels(), agents.getSpec().getTemplate().getMetadata().getLabels());
    Deployment predictor = one(Deployment.class, "baton-predictor");
    assertEquals(predictor.getSpec().getSelector().getMatchLabels(), predictor.getSpec().getTemplate().getMetadata().getLabels());
  }

  @Test
  void everyMemberParsesItsVariablesIntoItsCommandAndDiscoversThroughTheHeadlessService() {
    for (Map.Entry<String, PodTemplateSpec> member : members().entrySet()) {
      Container container = onlyContainer(member.getValue());
      String command = container.getArgs().get(0);
      assertEquals(List.of(command), container.getArgs(), "the command only; everything else from BATON_* variables");
      assertTrue(BatonCli.MEMBER_COMMANDS.contains(command), command);
      Map<String, String> environment = environment(container);

      // every BATON_* variable is an option of that command (a misspelt one would be ignored)
      CommandLine cli = BatonCli.commandLine(Map.of()).getSubcommands().get(command);
      Set<String> known = cli.getCommandSpec().options().stream().map(EnvironmentDefaults::variable).collect(Collectors.toSet());
      for (String variable : environment.keySet()) {
        if (variable.startsWith(EnvironmentDefaults.PREFIX)) {
          assertTrue(known.contains(variable), member.getKey() + ": " + variable + " is no option of `baton " + command + "`");
        }
      }
      MemberOptions options = memberOptions(BatonCli.commandLine(environment).parseArgs(command).subcommand()
          .commandSpec().userObject());

      ClusterMember.Discovery discovery = options.discovery();
      ClusterMember.Kubernetes kubernetes = assertInstanceOf(ClusterMember.Kubernetes.class, discovery, member.getKey());
      Service service = one(Service.class, kubernetes.kubernetes().serviceName());
      assertEquals(NAMESPACE, kubernetes.kubernetes().namespace());
      assertEquals("None", service.getSpec().getClusterIP(), "discovery reads a headless Service");
      assertTrue(service.getSpec().getPublishNotReadyAddresses(), "members are ready only after they joined");
      assertSelects(service, member.getValue());
      assertEquals(1, service.getSpec().getPorts().size());
      assertEquals("hazelcast", service.getSpec().getPorts().get(0).getName(), "the port name Hazelcast reads");
      assertEquals(options.clusterPort, service.getSpec().getPorts().get(0).getPort());
      assertEquals(options.clusterPort, port(container, service.getSpec().getPorts().get(0).getTargetPort().getStrVal()).getContainerPort());
      assertEquals("10.0.0.5", options.host, "the pod's (with hostNetwork, the node's) address");
      assertEquals("baton", member.getValue().getSpec().getServiceAccountName());
      assertTrue(environment.containsKey("POD_NAME"), "Hazelcast looks its pod up by POD_NAME");
    }
  }

  @Test
  void everyContainerRunsTheBatonImageDeclaresItsPortsAndIsProbedOnTheHealthEndpoints() throws IOException {
    String image = "baton:" + projectVersion();
    for (Map.Entry<String, PodTemplateSpec> member : members().entrySet()) {
      Container container = onlyContainer(member.getValue());
      assertEquals(image, container.getImage(), member.getKey());
      assertFalse(container.getPorts().isEmpty(), member.getKey());
      for (ContainerPort port : container.getPorts()) {
        assertNotNull(port.getName(), member.getKey() + " names every port");
        assertNotNull(port.getProtocol(), member.getKey() + " " + port.getName());
      }
      MemberOptions options = memberOptions(BatonCli.commandLine(environment(container))
          .parseArgs(container.getArgs().get(0)).subcommand().commandSpec().userObject());
      assertEquals(MemberOptions.DEFAULT_HEALTH_PORT, options.healthPort);
      assertProbe(container, container.getLivenessProbe(), HealthServer.LIVE, options);
      assertProbe(container, container.getReadinessProbe(), HealthServer.READY, options);
    }
    Container agent = onlyContainer(one(DaemonSet.class, "baton-agent").getSpec().getTemplate());
    assertEquals("UDP", port(agent, "coaps").getProtocol());
    AgentCommand parsed = (AgentCommand) BatonCli.commandLine(environment(agent)).parseArgs("agent").subcommand()
        .commandSpec().userObject();
    assertEquals(parsed.coapPort, port(agent, "coaps").getContainerPort());
    assertEquals(5684, parsed.coapPort);
    assertEquals(parsed.mqttPort, port(agent, "mqtts").getContainerPort());
    assertEquals(parsed.transferPort, port(agent, "transfer").getContainerPort());
    assertEquals("node-a", parsed.site, "the site is the node");
    assertEquals("docker", parsed.runtime);
    BrokerCommand broker = (BrokerCommand) BatonCli.commandLine(environment(onlyContainer(one(StatefulSet.class, "baton-broker")
        .getSpec().getTemplate()))).parseArgs("broker").subcommand().commandSpec().userObject();
    assertEquals(broker.apiPort, port(onlyContainer(one(StatefulSet.class, "baton-broker").getSpec().getTemplate()), "api")
        .getContainerPort());
  }

  @Test
  void theMountsMakeTheCredentialLayoutEachMemberLoads() {
    for (Map.Entry<String, PodTemplateSpec> member : members().entrySet()) {
      Container container = onlyContainer(member.getValue());
      String command = container.getArgs().get(0);
      MemberOptions options = memberOptions(BatonCli.commandLine(environment(container)).parseArgs(command).subcommand()
          .commandSpec().userObject());
      String name = options.memberName != null ? options.memberName : "node-a"; // an agent's default: its site
      CredentialLayout layout = new CredentialLayout(options.credentialsDir);
      Map<String, String> secretOfVolume = new HashMap<>();
      for (Volume volume : member.getValue().getSpec().getVolumes()) {
        if (volume.getSecret() != null) {
          secretOfVolume.put(volume.getName(), volume.getSecret().getSecretName());
        }
      }
      // each file MemberCredentials.load reads: mounted from a Secret, as a key of the same name
      for (Path file : List.of(layout.clusterCa(), layout.clientCa(), layout.meshSecret(), layout.operatorToken())) {
        VolumeMount mount = mountAt(container, file.toString());
        assertEquals("baton-cluster", secretOfVolume.get(mount.getName()), member.getKey() + " " + file);
        assertEquals(file.getFileName().toString(), mount.getSubPath());
      }
      VolumeMount members = mountAt(container, layout.memberCertificate(name).getParent().toString());
      assertEquals(layout.memberKey(name).getParent(), layout.memberCertificate(name).getParent());
      assertNotNull(secretOfVolume.get(members.getName()), member.getKey() + ": members/ from a Secret");
      assertTrue(container.getVolumeMounts().stream().filter(m -> secretOfVolume.containsKey(m.getName()))
          .allMatch(VolumeMount::getReadOnly), member.getKey() + " mounts credentials read-only");
      assertTrue(container.getVolumeMounts().stream().noneMatch(m -> m.getMountPath().startsWith(
          layout.clusterCaKey().getParent().toString())), "the authorities' keys are never mounted");
    }
  }

  @Test
  void secretsAreReferencedByNameOnlyAndSecretsShMakesEachOfThem() throws IOException {
    Set<String> referenced = new TreeSet<>();
    for (PodTemplateSpec template : members().values()) {
      for (Volume volume : template.getSpec().getVolumes()) {
        if (volume.getSecret() != null) {
          referenced.add(volume.getSecret().getSecretName());
        }
        assertNull(volume.getProjected(), "no projected volumes to audit");
      }
      for (EnvVar variable : onlyContainer(template).getEnv()) {
        assertTrue(variable.getValueFrom() == null || variable.getValueFrom().getSecretKeyRef() == null, variable.getName());
      }
    }
    String script = Files.readString(DIR.resolve("secrets.sh"));
    Set<String> made = new TreeSet<>();
    Matcher apply = Pattern.compile("(?m)^apply (\\S+)").matcher(script);
    while (apply.find()) {
      made.add(apply.group(1));
    }
    assertEquals(Set.of("baton-cluster", "baton-broker", "baton-predictor", "baton-agents"), referenced);
    assertEquals(referenced, made, "secrets.sh makes every Secret the pods reference");
    for (String key : List.of("cluster-ca.crt.pem", "client-ca.crt.pem", "mesh.secret", "operator.token")) {
      assertTrue(script.contains("$dir/" + key), "baton-cluster gets " + key);
    }
    assertTrue(script.lines().filter(line -> !line.trim().startsWith("#")).noneMatch(line -> line.contains("private")),
        "secrets.sh never reads the authorities' keys");
    assertTrue(resources.stream().noneMatch(r -> r.getKind().equals("Secret")), "no Secret object, so no contents");
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.toList()) {
        String text = Files.readString(file);
        assertFalse(text.contains("-----BEGIN"), file + " holds no PEM");
      }
    }
  }

  @Test
  void theRoleGrantsWhatDiscoveryReadsAndNoMore() {
    Role role = one(Role.class, "baton-discovery");
    Map<String, Set<String>> granted = new LinkedHashMap<>();
    for (PolicyRule rule : role.getRules()) {
      assertEquals(Set.of("get", "list"), new HashSet<>(rule.getVerbs()), "read-only, no watch");
      assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          assertTrue(granted.computeIfAbsent(group, g -> new TreeSet<>()).add(resource), group + "/" + resource + " twice");
        }
      }
    }
    assertEquals(Map.of("", Set.of("endpoints", "pods"), "discovery.k8s.io", Set.of("endpointslices")), granted);
    RoleBinding binding = one(RoleBinding.class, "baton-discovery");
    assertEquals("Role", binding.getRoleRef().getKind());
    assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
    assertEquals(1, binding.getSubjects().size());
    assertEquals("ServiceAccount", binding.getSubjects().get(0).getKind());
    one(ServiceAccount.class, binding.getSubjects().get(0).getName());
    assertTrue(resources.stream().noneMatch(r -> r.getKind().startsWith("Cluster")), "nothing cluster-wide");
  }

  @Test
  void onlyTheAgentIsPrivilegedWithTheEngineSocketAndDataRootOfItsNode() {
    PodTemplateSpec agent = one(DaemonSet.class, "baton-agent").getSpec().getTemplate();
    Container container = onlyContainer(agent);
    // As agents.yaml and kubernetes.md document: privileged, no separate capability list (CRIU runs
    // in the node's engine, not here; see agents.yaml for what the agent itself does on the node).
    assertTrue(container.getSecurityContext().getPrivileged());
    assertNull(container.getSecurityContext().getCapabilities(), "privileged has them all: no list to drift");
    assertTrue(agent.getSpec().getHostNetwork());
    assertTrue(agent.getSpec().getHostPID(), "to end a stuck runc and CRIU on the node");
    assertEquals("ClusterFirstWithHostNet", agent.getSpec().getDnsPolicy());
    Map<String, String> hostPaths = new java.util.TreeMap<>();
    for (Volume volume : agent.getSpec().getVolumes()) {
      if (volume.getHostPath() != null) {
        hostPaths.put(volume.getName(), volume.getHostPath().getPath());
        assertEquals(volume.getHostPath().getPath(), mount(container, volume.getName()).getMountPath(), "same path as on the node");
      }
    }
    assertEquals(Map.of("docker-socket", "/var/run/docker.sock", "docker-data", "/var/lib/docker"), hostPaths);
    AgentCommand parsed = (AgentCommand) BatonCli.commandLine(environment(container)).parseArgs("agent").subcommand()
        .commandSpec().userObject();
    assertEquals("unix://" + hostPaths.get("docker-socket"), parsed.dockerHost);
    assertTrue(agent.getSpec().getTerminationGracePeriodSeconds() > parsed.drainTimeoutS, "room for the drain");

    for (PodTemplateSpec other : List.of(one(StatefulSet.class, "baton-broker").getSpec().getTemplate(),
        one(Deployment.class, "baton-predictor").getSpec().getTemplate())) {
      Container plain = onlyContainer(other);
      assertTrue(plain.getSecurityContext().getPrivileged() == null || !plain.getSecurityContext().getPrivileged());
      assertFalse(plain.getSecurityContext().getAllowPrivilegeEscalation());
      assertEquals(List.of("ALL"), plain.getSecurityContext().getCapabilities().getDrop());
      assertTrue(other.getSpec().getSecurityContext().getRunAsNonRoot());
      assertTrue(other.getSpec().getHostNetwork() == null || !other.getSpec().getHostNetwork());
      assertTrue(other.getSpec().getVolumes().stream().allMatch(v -> v.getHostPath() == null));
    }
  }

  // --- helpers

  private static Map<String, PodTemplateSpec> members() {
    Map<String, PodTemplateSpec> members = new LinkedHashMap<>();
    members.put("StatefulSet/baton-broker", one(StatefulSet.class, "baton-broker").getSpec().getTemplate());
    members.put("DaemonSet/baton-agent", one(DaemonSet.class, "baton-agent").getSpec().getTemplate());
    members.put("Deployment/baton-predictor", one(Deployment.class, "baton-predictor").getSpec().getTemplate());
    return members;
  }

  private static void assertProbe(Container container, Probe probe, String path, MemberOptions options) {
    assertNotNull(probe, container.getName() + " " + path);
    assertNotNull(probe.getHttpGet(), container.getName() + " " + path);
    assertEquals(path, probe.getHttpGet().getPath());
    String portName = probe.getHttpGet().getPort().getStrVal();
    int port = portName != null ? port(container, portName).getContainerPort() : probe.getHttpGet().getPort().getIntVal();
    assertEquals(options.healthPort, port, container.getName() + " probes the health port");
    assertTrue(probe.getTimeoutSeconds() * 1000L > options.livenessTimeoutMs, "probe timeout above --liveness-timeout");
  }

  private static Map<String, String> environment(Container container) {
    Map<String, String> environment = new HashMap<>();
    for (EnvVar variable : container.getEnv()) {
      String value = variable.getValue();
      if (variable.getValueFrom() != null && variable.getValueFrom().getFieldRef() != null) {
        value = FIELDS.get(variable.getValueFrom().getFieldRef().getFieldPath());
        assertNotNull(value, variable.getName() + ": field " + variable.getValueFrom().getFieldRef().getFieldPath());
      }
      assertNotNull(value, variable.getName());
      environment.put(variable.getName(), value);
    }
    return environment;
  }

  private static MemberOptions memberOptions(Object command) {
    if (command instanceof AgentCommand agent) {
      return agent.member;
    } else if (command instanceof BrokerCommand broker) {
      return broker.member;
    } else if (command instanceof PredictorCommand predictor) {
      return predictor.member;
    }
    throw new AssertionError("not a member command: " + command);
  }

  private static Container onlyContainer(PodTemplateSpec template) {
    assertEquals(1, template.getSpec().getContainers().size());
    return template.getSpec().getContainers().get(0);
  }

  private static ContainerPort port(Container container, String name) {
    return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " has no port " + name));
  }

  private static VolumeMount mountAt(Container container, String path) {
    return container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at " + path));
  }

  private static VolumeMount mount(Container container, String volume) {
    return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " does not mount " + volume));
  }

  private static boolean selects(Service service, PodTemplateSpec template) {
    return template.getMetadata().getLabels().entrySet().containsAll(service.getSpec().getSelector().entrySet());
  }

  private static void assertSelects(Service service, PodTemplateSpec template) {
    assertTrue(selects(service, template), service.getMetadata().getName() + " selects " + template.getMetadata().getLabels());
  }

  private static <T extends HasMetadata> List<T> of(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static <T extends HasMetadata> T one(Class<T> type, String name) {
    List<T> named = of(type).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
    assertEquals(1, named.size(), type.getSimpleName() + " " + name);
    return named.get(0);
  }

  private static String name(HasMetadata resource) {
    return resource.getKind() + "/" + resource.getMetadata().getName();
  }

  /** The parent pom's version: the image tag the manifests must name. */
  private static String projectVersion() throws IOException {
    Matcher version = Pattern.compile("<artifactId>baton-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(Path.of("..", "pom.xml")));
    assertTrue(version.find());
    return version.group(1);
  }
}
