package io.baton.deploy.cli;

import io.baton.broker.HandoffBrokerVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "broker", mixinStandardHelpOptions = true, description = "Runs a handoff broker as a cluster member.")
final class BrokerCommand implements Callable<Integer> {
  @Mixin
  MemberOptions member;

  @Mixin
  TriggerOptions trigger;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = member.join();
    HandoffBrokerVerticle broker = new HandoffBrokerVerticle(trigger.toConfig(), member.host);
    vertx.deployVerticle(broker).toCompletionStage().toCompletableFuture().join();
    System.out.printf("broker up on %s (node %s): hysteresis %.1f dB, time-to-trigger %d ms%n", member.host, broker.nodeId(),
        trigger.hysteresisDb, trigger.timeToTriggerMs);
    MemberOptions.runUntilStopped(vertx);
    return 0;
  }
}
