package io.baton.deploy.cli;

import io.baton.deploy.cluster.ClusterMember;
import io.baton.protocol.security.CredentialException;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Vertx;
import java.nio.file.Path;
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
    return ClusterMember.start(host, clusterPort, members, credentials).toCompletionStage().toCompletableFuture().join();
  }

  /** Blocks until the process is told to stop, then leaves the cluster cleanly. */
  static void runUntilStopped(Vertx vertx) throws InterruptedException {
    Thread stopper = new Thread(() -> vertx.close().toCompletionStage().toCompletableFuture().join());
    Runtime.getRuntime().addShutdownHook(stopper);
    Thread.currentThread().join();
  }
}
