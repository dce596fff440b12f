package io.baton.deploy.cli;

import io.baton.broker.HandoffBrokerVerticle;
import io.baton.deploy.mesh.MeshCredentials;
import io.baton.protocol.security.MemberCredentials;
import io.baton.deploy.ops.RunningMember;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.baton.broker.control.ControlApiConfig;
import io.baton.broker.control.ControlApiVerticle;

@Command(name = "broker", mixinStandardHelpOptions = true, description = "Runs a handoff broker as a cluster member.")
final class BrokerCommand implements Callable<Integer> {
  @Mixin
  MemberOptions member;

  @Mixin
  TriggerOptions trigger;

  @Option(names = "--api-port", description = "control API and dashboard port on the broker's host, 0 for none (default ${DEFAULT-VALUE})",
      defaultValue = "0")
  int apiPort;

  @Option(names = "--overload", description = "CPU percent above which a node is overloaded (default ${DEFAULT-VALUE})",
      defaultValue = "50")
  double overloadPercent;

  @Option(names = "--placement", description = "moves services off an overloaded node: off, nearest-green, consolidate or "
      + "mobility-aware (default ${DEFAULT-VALUE})", defaultValue = "off")
  String placement;

  @Override
  public Integer call() throws Exception {
    start().runUntilStopped();
    return 0;
  }

  /** Starts the broker (and its control API) and returns once its consumers are registered. */
  RunningMember start() {
    try {
      return startBroker();
    } catch (RuntimeException e) {
      member.closeHealth();
      throw e;
    }
  }

  private RunningMember startBroker() {
    MemberCredentials credentials = member.credentials(MeshCredentials.BROKER);
    Vertx vertx = member.join(credentials);
    HandoffBrokerVerticle broker = new HandoffBrokerVerticle(trigger.toConfig(), member.host);
    vertx.deployVerticle(broker).toCompletionStage().toCompletableFuture().join();
    if (apiPort != 0) {
      ControlApiVerticle api = new ControlApiVerticle(broker,
          new ControlApiConfig(member.host, apiPort, credentials.operatorToken(), overloadPercent, placement, credentials));
      vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().join();
      System.out.printf("control API and dashboard on https://%s:%d/ (operator token in %s/operator.token)%n", member.host,
          api.port(), member.credentialsDir);
    }
    System.out.printf("broker up on %s (node %s): hysteresis %.1f dB, time-to-trigger %d ms%n", member.host, broker.nodeId(),
        trigger.hysteresisDb, trigger.timeToTriggerMs);
    return member.running("broker", vertx, Future::succeededFuture);
  }
}
