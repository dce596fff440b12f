package io.baton.agent.coap;

import io.baton.agent.Failures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * Californium calls resources on its own threads; the agent's state belongs to its Vert.x
 * context. Every resource hands its work over here and answers when the future completes.
 */
final class ContextBridge {
  private final Context context;

  ContextBridge(Context context) {
    this.context = context;
  }

  /** Runs {@code work} on the agent's context and answers the exchange with its JSON or failure. */
  void respond(CoapExchange exchange, ResponseCode success, Supplier<Future<JsonObject>> work) {
    context.runOnContext(v -> {
      Future<JsonObject> result;
      try {
        result = work.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(
          json -> exchange.respond(success, json.encode(), MediaTypeRegistry.APPLICATION_JSON),
          failure -> fail(exchange, failure));
    });
  }

  static void fail(CoapExchange exchange, Throwable failure) {
    exchange.respond(code(Failures.status(failure)), Failures.reason(failure), MediaTypeRegistry.TEXT_PLAIN);
  }

  static ResponseCode code(int status) {
    return switch (status) {
      case Failures.BAD_REQUEST -> ResponseCode.BAD_REQUEST;
      case Failures.UNAUTHORIZED -> ResponseCode.UNAUTHORIZED;
      case Failures.FORBIDDEN -> ResponseCode.FORBIDDEN;
      case Failures.NOT_FOUND -> ResponseCode.NOT_FOUND;
      case Failures.UNAVAILABLE -> ResponseCode.SERVICE_UNAVAILABLE;
      default -> ResponseCode.INTERNAL_SERVER_ERROR;
    };
  }
}
