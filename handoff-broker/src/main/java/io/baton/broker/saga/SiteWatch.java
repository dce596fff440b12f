package io.baton.broker.saga;

import io.baton.protocol.Addresses.AgentCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Keeps an eye on the site running a long step (pre-copy, freeze, transfer: up to the transfer
 * timeout, minutes). A bus request to a member that died is not failed by the bus, it only times
 * out; but once the cluster has dropped the member its agent's addresses have no handler. So the
 * watch asks the site a harmless question ({@code INSTANCE}) every period and fails the step as
 * soon as the answer is "no handler". A slow answer proves nothing either way and is ignored.
 */
final class SiteWatch {
  private SiteWatch() {
  }

  static <T> Future<T> whileSiteAnswers(Vertx vertx, String site, String instanceId, long periodMs, Future<T> step) {
    Promise<T> outcome = Promise.promise();
    step.onComplete(outcome::tryComplete, outcome::tryFail);
    DeliveryOptions ask = new DeliveryOptions().setSendTimeout(periodMs);
    long timer = vertx.setPeriodic(periodMs, tick -> vertx.eventBus()
        .request(AgentCommand.INSTANCE.address(site), new JsonObject().put("instanceId", instanceId), ask)
        .onFailure(failure -> {
          if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
            outcome.tryFail(new SiteGoneException(site));
          }
        }));
    return outcome.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /** The site left the cluster while it ran a step. */
  static final class SiteGoneException extends RuntimeException {
    SiteGoneException(String site) {
      super(site + " left the cluster while running the step", null, false, false);
    }
  }
}
