package io.baton.agent.clients;

import io.baton.agent.Failures;
import io.baton.agent.AgentConfig;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.InvalidPayloadException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Deploys a client's service at this site when an operator asks (the broker's control API): the
 * same path as the client's own attach, so it is idempotent and a client attaching later finds its
 * service where it runs.
 */
public final class DeployCommand {
  private final Vertx vertx;
  private final AgentConfig config;
  private final ClientAttachments attachments;
  private MessageConsumer<JsonObject> consumer;

  public DeployCommand(Vertx vertx, AgentConfig config, ClientAttachments attachments) {
    this.vertx = vertx;
    this.config = config;
    this.attachments = attachments;
  }

  public Future<Void> register() {
    consumer = vertx.eventBus().consumer(AgentCommand.DEPLOY.address(config.siteId()), message -> {
      Future<JsonObject> deployed;
      try {
        deployed = attachments.attach(AttachRequest.parse(Buffer.buffer(message.body().encode())))
            .map(assignment -> assignment.toJson());
      } catch (InvalidPayloadException e) {
        deployed = Future.failedFuture(e);
      }
      deployed.onComplete(message::reply, failure -> message.fail(Failures.status(failure), Failures.reason(failure)));
    });
    return consumer.completion();
  }

  public Future<Void> unregister() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
