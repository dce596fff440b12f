package io.baton.deploy.cli;

import io.baton.broker.BrokerConfig;
import io.baton.deploy.ops.ManualMigration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Hands a service off to another site through the broker's handoff saga (as the control API's manual "
        + "migration does), waits for its end and prints the saga's steps. Exits 0 when it completed, 1 when it aborted.")
final class MigrateCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the service's instance id (as `baton deploy --instance` named it) or its client's id")
  String instance;

  @Option(names = "--to", required = true, description = "the target site")
  String toSite;

  @Option(names = "--technique", description = "cold, pre-copy, post-copy, hybrid or adaptive (default: the broker's). "
      + "A container moves its writable layer and memory ahead of the freeze with any but cold")
  String technique;

  @Option(names = "--cold", description = "the same as --technique cold: nothing but layers and container crosses before the freeze")
  boolean cold;

  @Option(names = "--timeout", description = "seconds to wait for the saga's end (default ${DEFAULT-VALUE})", defaultValue = "1800")
  long timeoutSeconds;

  @Mixin
  MemberOptions member;

  @Override
  public Integer call() throws Exception {
    if (cold && technique != null && !technique.equals("cold")) {
      throw new IllegalArgumentException("--cold and --technique " + technique + " contradict each other");
    }
    String chosen = cold ? "cold" : technique;
    if (chosen != null && !BrokerConfig.TECHNIQUES.contains(chosen)) {
      throw new IllegalArgumentException("unknown technique '" + chosen + "'; use one of " + BrokerConfig.TECHNIQUES);
    }
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 s");
    }
    long deadlineMs = TimeUnit.SECONDS.toMillis(timeoutSeconds);
    return DockerRequests.asMember(member, vertx -> {
      ManualMigration.Outcome outcome;
      try {
        outcome = new ManualMigration(vertx).run(instance, toSite, chosen, deadlineMs).toCompletionStage().toCompletableFuture()
            .get(deadlineMs + 30_000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException failed) {
        // A refusal is bad input, reported in one line; anything else is the cluster's failure.
        throw failed.getCause() instanceof Exception cause ? cause : failed;
      }
      System.out.print(outcome.describe());
      return outcome.completed() ? 0 : 1;
    });
  }
}
