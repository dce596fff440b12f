package io.baton.deploy.cli;

import io.baton.agent.runtime.container.ContainerControl;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** A command-line request to a docker site over the cluster's event bus. */
final class DockerRequests {
  /** A deploy creates and starts a container: each engine call has a deadline of its own, this bounds them together. */
  private static final long TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(10);

  private DockerRequests() {
  }

  /** What a command does once it is a cluster member. */
  interface MemberWork {
    int run(Vertx vertx) throws Exception;
  }

  /** Joins the cluster for one command and leaves it afterwards, whatever happened. */
  static int asMember(MemberOptions member, MemberWork work) throws Exception {
    // A command is a member for seconds: nothing probes it, and a health port would only clash with the next one.
    member.healthPort = 0;
    Vertx vertx = member.join(member.credentials("operator"));
    try {
      return work.run(vertx);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  static JsonObject send(Vertx vertx, String site, String verb, JsonObject body) throws Exception {
    return vertx.eventBus().<JsonObject>request(ContainerControl.address(site, verb), body, new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS))
        .map(reply -> reply.body()).toCompletionStage().toCompletableFuture().get(TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
  }
}
