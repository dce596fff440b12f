package io.baton.deploy.cli;

import io.baton.deploy.cluster.ClusterMember;
import io.baton.protocol.security.CredentialException;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Vertx;
import io.baton.deploy.ops.HealthServer;
import io.baton.deploy.ops.MemberHealth;
import io.baton.deploy.ops.RunningMember;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a single member joins a multi-host cluster: its own address, the member list, and the
 * credentials it proves itself with. There is no way to join without credentials.
 */
final class MemberOptions {
  @Option(names = "--host", required = true, description = "address this member binds and announces")
  String host;

  @Option(names = "--members", required = true, split = ",",
      description = "host:port of every cluster member, comma separated (this one included)")
  List<String> members;

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
    String name = memberName != null ? memberName : defaultName;
    if (credentialsDir == null) {
      throw new CredentialException("missing --credentials DIR: members start only with the cluster's credentials "
          + "(create them with `baton credentials --dir DIR --member " + name + " --address " + host + "`)");
    }
    return MemberCredentials.load(credentialsDir, name);
  }

  Vertx join(MemberCredentials credentials) {
    MemberHealth watching = openHealth();
    Vertx member = ClusterMember.start(host, clusterPort, members, credentials).toCompletionStage().toCompletableFuture().join();
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
