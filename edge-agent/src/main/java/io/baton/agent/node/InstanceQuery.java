package io.baton.agent.node;

import io.baton.agent.Failures;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.protocol.Addresses.AgentCommand;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Answers, from this site's runtime, what it holds of one instance: the way to ask every site
 * whether a service runs there (exactly one LIVE copy is the invariant the fault drills check).
 */
public final class InstanceQuery {
  private InstanceQuery() {
  }

  /** Starts answering {@code AgentCommand.INSTANCE} for {@code siteId}; unregister the consumer to stop. */
  public static MessageConsumer<JsonObject> serve(Vertx vertx, String siteId, ServiceRuntime runtime) {
    return vertx.eventBus().consumer(AgentCommand.INSTANCE.address(siteId), message -> answer(message, siteId, runtime));
  }

  private static void answer(Message<JsonObject> message, String siteId, ServiceRuntime runtime) {
    Object instanceId = message.body() == null ? null : message.body().getValue("instanceId");
    if (!(instanceId instanceof String id) || id.isEmpty() || id.length() > 256) {
      message.fail(Failures.BAD_REQUEST, "'instanceId' must be a non-empty string of at most 256 characters");
      return;
    }
    String state = runtime.state(id).map(Enum::name).orElse("ABSENT");
    message.reply(new JsonObject().put("site", siteId).put("instanceId", id).put("state", state));
  }
}
