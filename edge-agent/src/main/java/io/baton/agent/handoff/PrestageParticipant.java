package io.baton.agent.handoff;

import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.HandoffStrategy;
import io.baton.protocol.Addresses;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.event.PrestageCancelled;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.Prestaged;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This site's part in pre-staging. As a source (the site that runs the instance) it carries out
 * a {@link PrestageRequested} and publishes {@link Prestaged}; as a target it opens a reception
 * when the source asks, marks it complete when the source's {@link Prestaged} arrives, and drops
 * what a cancelled pre-stage brought. A pre-stage that fails is only logged: it was an optimisation,
 * and the handoff will send whatever is missing.
 */
public final class PrestageParticipant {
  private static final Logger LOG = LoggerFactory.getLogger(PrestageParticipant.class);

  private final Vertx vertx;
  private final AgentConfig config;
  private final HandoffStrategy strategy;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public PrestageParticipant(Vertx vertx, AgentConfig config, HandoffStrategy strategy) {
    this.vertx = vertx;
    this.config = config;
    this.strategy = strategy;
  }

  public Future<Void> register() {
    consumers.add(vertx.eventBus().<PrestageRequested>consumer(Addresses.PRESTAGE_REQUESTED, m -> requested(m.body())));
    consumers.add(vertx.eventBus().<Prestaged>consumer(Addresses.PRESTAGED, m -> {
      if (m.body().targetSite().equals(config.siteId())) {
        strategy.prestageCompleted(m.body());
      }
    }));
    consumers.add(vertx.eventBus().<PrestageCancelled>consumer(Addresses.PRESTAGE_CANCELLED, m -> cancelled(m.body())));
    consumers.add(vertx.eventBus().<PrestageRequested>consumer(AgentCommand.PRESTAGE.address(config.siteId()), m -> {
      strategy.openPrestage(m.body())
          .onSuccess(v -> m.reply(new JsonObject().put("opened", m.body().prestageId())))
          .onFailure(e -> m.fail(500, e.getMessage()));
    }));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> unregister() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void requested(PrestageRequested request) {
    if (!request.sourceSite().equals(config.siteId())) {
      return;
    }
    strategy.prestage(request)
        .onSuccess(done -> vertx.eventBus().publish(Addresses.PRESTAGED, done))
        .onFailure(failure -> LOG.warn("pre-stage {} of {} to {} did not complete: {}", request.prestageId(),
            request.instanceId(), request.targetSite(), failure.getMessage()));
  }

  private void cancelled(PrestageCancelled cancelled) {
    strategy.prestageCancelled(cancelled);
    LOG.debug("pre-stage {} cancelled ({})", cancelled.prestageId(), cancelled.reason());
  }
}
