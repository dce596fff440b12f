package io.baton.deploy.cli;

import io.baton.cluster.ClusterMember;
import io.baton.cluster.KubernetesDiscovery;
import io.baton.protocol.security.CredentialException;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Vertx;
import io.baton.deploy.ops.HealthServer;
import io.baton.deploy.ops.MemberHealth;
import io.baton.deploy.ops.RunningMember;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a single member joins a multi-host cluster: its own address, the member list (or, in
 * Kubernetes, the headless Service whose endpoints list the members), and the credentials it proves
 * itself with. There is no way to join without credentials.
 */
final class MemberOptions {
  @Option(names = "--host", required = true, description = "address this member binds and announces")
  String host;

  @Option(names = "--members", split = ",",
      description = "host:port of every cluster member, comma separated (this one included); or --kubernetes-service")
  List<String> members;

  @Option(names = "--kubernetes-service", paramLabel = "NAME",
      description = "find the members through the Kubernetes API: the endpoints of this headless Service "
          + "(Hazelcast's Kubernetes discovery), instead of --members")
  String kubernetesService;

  @Option(names = "--kubernetes-namespace", paramLabel = "NS",
      description = "the Service's namespace (default: the pod's, from its service account)")
  String kubernetesNamespace;

  @Option(names = "--kubernetes-master", paramLabel = "URL",
      description = "the Kubernetes API server (default: https://kubernetes.default.svc, as seen from a pod)")
  String kubernetesMaster;

  @Option(names = "--kubernetes-token-file", paramLabel = "FILE",
      description = "bearer token for the API, read once at start (default: the pod's service account token, re-read at every call)")
  Path kubernetesTokenFile;

  @Option(names = "--kubernetes-ca-file", paramLabel = "FILE",
      description = "PEM CA of the API server (default: the pod's service account ca.crt)")
  Path kubernetesCaFile;

  @Option(names = "--cluster-port", description = "Hazelcast port (default ${DEFAULT-VALUE})", defaultValue = "5701")
  int clusterPort;

  @Option(names = "--credentials", paramLabel = "DIR",
      description = "credentials directory made by `baton credentials` (required: a member does not start without them)")
  Path credentialsDir;

  @Option(names = "--member", paramLabel = "NAME",
      description = "this member's name in the credentials (default: the site id, broker or predictor)")
  String memberName;

  @Option(names = "--health-port", description = "plain HTTP port on --host serving GET /healthz/live and /healthz/ready, "
      + "0 for none (default ${DEFAULT-VALUE})", defaultValue = "" + DEFAULT_HEALTH_PORT)
  int healthPort;

  @Option(names = "--liveness-timeout", description = "ms each event loop has to answer a liveness probe (default ${DEFAULT-VALUE})",
      defaultValue = "1000")
  long livenessTimeoutMs;

  static final int DEFAULT_HEALTH_PORT = 8081;
  private MemberHealth health;
  private HealthServer healthServer;

  /**
   * Opens the health endpoints, once the member's input checked out and before its slow start (it
   * is called by {@link #join} at the latest): a member that is still starting answers "not
   * ready" rather than nothing. Again is a no-op.
   */
  synchronized MemberHealth openHealth() {
    if (health == null) {
      health = new MemberHealth(Duration.ofMillis(livenessTimeoutMs));
      if (healthPort != 0) {
        healthServer = HealthServer.start(host, healthPort, health);
        System.out.printf("health on http://%s:%d%s and %s%n", host, healthServer.port(), HealthServer.LIVE, HealthServer.READY);
      }
    }
    return health;
  }

  /** This member's credentials, or a one-line refusal naming what is missing. */
  MemberCredentials credentials(String defaultName) {
    discovery(); // how it finds the others is input too: refuse it before anything slow starts
    String name = memberName != null ? memberName : defaultName;
    if (credentialsDir == null) {
      throw new CredentialException("missing --credentials DIR: members start only with the cluster's credentials "
          + "(create them with `baton credentials --dir DIR --member " + name + " --address " + host + "`)");
    }
    return MemberCredentials.load(credentialsDir, name);
  }

  /**
   * How this member finds the others: exactly one of --members and --kubernetes-service, and the
   * other --kubernetes-* options only with the latter.
   */
  ClusterMember.Discovery discovery() {
    boolean listed = members != null && !members.isEmpty();
    boolean kubernetes = kubernetesService != null;
    if (listed == kubernetes) {
      throw new IllegalArgumentException(listed
          ? "give --members or --kubernetes-service, not both"
          : "missing --members host:port,... (or --kubernetes-service NAME in Kubernetes): how this member finds the others");
    }
    if (listed) {
      if (kubernetesNamespace != null || kubernetesMaster != null || kubernetesTokenFile != null || kubernetesCaFile != null) {
        throw new IllegalArgumentException("--kubernetes-namespace, --kubernetes-master, --kubernetes-token-file and "
            + "--kubernetes-ca-file go with --kubernetes-service, not --members");
      }
      return ClusterMember.Discovery.members(members);
    }
    return ClusterMember.Discovery.kubernetes(new KubernetesDiscovery(kubernetesService, kubernetesNamespace,
        kubernetesMaster, read(kubernetesTokenFile, "--kubernetes-token-file"), read(kubernetesCaFile, "--kubernetes-ca-file")));
  }

  private static String read(Path file, String option) {
    if (file == null) {
      return null;
    }
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + file + ": cannot read it (" + e.getMessage() + ")", e);
    }
  }

  Vertx join(MemberCredentials credentials) {
    MemberHealth watching = openHealth();
    Vertx member = ClusterMember.start(host, clusterPort, discovery(), credentials).toCompletionStage().toCompletableFuture().join();
    watching.joined(member);
    return member;
  }

  /** The member joined and everything it serves is up: it is ready, and stops as {@link RunningMember} says. */
  RunningMember running(String name, Vertx member, Supplier<Future<?>> beforeLeaving) {
    return new RunningMember(name, member, openHealth(), healthServer, beforeLeaving);
  }

  /** Closes the health endpoints of a member that failed to start. */
  synchronized void closeHealth() {
    if (healthServer != null) {
      healthServer.close();
    }
  }
}
