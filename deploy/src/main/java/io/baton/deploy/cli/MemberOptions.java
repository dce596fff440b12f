package io.baton.deploy.cli;

import io.baton.deploy.cluster.ClusterMember;
import io.vertx.core.Vertx;
import java.util.List;
import picocli.CommandLine.Option;

/** How a single member joins a multi-host cluster: its own address and the member list. */
final class MemberOptions {
  @Option(names = "--host", required = true, description = "address this member binds and announces")
  String host;

  @Option(names = "--members", required = true, split = ",",
      description = "host:port of every cluster member, comma separated (this one included)")
  List<String> members;

  @Option(names = "--cluster-port", description = "Hazelcast port (default ${DEFAULT-VALUE})", defaultValue = "5701")
  int clusterPort;

  Vertx join() {
    return ClusterMember.start(host, clusterPort, members).toCompletionStage().toCompletableFuture().join();
  }

  /** Blocks until the process is told to stop, then leaves the cluster cleanly. */
  static void runUntilStopped(Vertx vertx) throws InterruptedException {
    Thread stopper = new Thread(() -> vertx.close().toCompletionStage().toCompletableFuture().join());
    Runtime.getRuntime().addShutdownHook(stopper);
    Thread.currentThread().join();
  }
}
