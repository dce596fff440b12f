package io.baton.broker.control;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.function.Function;

/**
 * The control API over HTTP (documented in {@code /api/v1/openapi.yaml}) and the dashboard. JSON in
 * and out; a refused request gets its 4xx status and {"error": reason}; the event stream is SSE.
 * Everything under /api/v1 except the OpenAPI document needs the operator's bearer token.
 */
public final class RestApi {
  private static final long MAX_BODY_BYTES = 64 * 1024;
  private static final long HEARTBEAT_MS = 15_000;

  private RestApi() {
  }

  public static Router router(Vertx vertx, ControlService control, EventStream events, String token) {
    Router router = Router.router(vertx);
    router.get("/api/v1/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
        .sendFile("control/openapi.yaml"));
    router.route("/api/v1/*").handler(new BearerAuth(token));
    router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));

    router.get("/api/v1/nodes").handler(ctx -> answer(ctx, 200, control.nodes()));
    router.post("/api/v1/nodes").handler(ctx -> answer(ctx, 201, call(ctx, control::registerNode).map(NodeInfo::toJson)));
    router.get("/api/v1/profiles").handler(ctx -> answer(ctx, 200, control.profiles()));
    router.post("/api/v1/profiles").handler(ctx -> answer(ctx, 201, call(ctx, control::registerProfile).map(AppProfile::toJson)));
    router.get("/api/v1/services").handler(ctx -> answer(ctx, 200, control.services()));
    router.post("/api/v1/services").handler(ctx -> answer(ctx, 201, call(ctx, control::deploy)));
    router.post("/api/v1/migrations").handler(ctx -> answer(ctx, 202, call(ctx, control::migrate)));
    router.get("/api/v1/handoffs").handler(ctx -> answer(ctx, 200, control.handoffs()));
    router.get("/api/v1/events").handler(ctx -> stream(vertx, ctx, events));
    router.route("/api/v1/*").handler(ctx -> error(ctx, 404, "no such resource: " + ctx.request().method() + " " + ctx.request().path()));

    router.route("/*").handler(StaticHandler.create("dashboard").setCachingEnabled(false));
    return router;
  }

  /** Parses the body and runs the action; a bad body or a refused field becomes a failed future. */
  private static <T> Future<T> call(RoutingContext ctx, Function<JsonObject, Future<T>> action) {
    try {
      return action.apply(Fields.body(ctx.body().asString()));
    } catch (BadRequestException e) {
      return Future.failedFuture(e);
    }
  }

  private static void answer(RoutingContext ctx, int status, Future<?> result) {
    result.onComplete(value -> {
      Object body = value instanceof JsonObject || value instanceof JsonArray ? value : new JsonObject();
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(body instanceof JsonObject json ? json.encode() : ((JsonArray) body).encode());
    }, failure -> {
      if (failure instanceof BadRequestException bad) {
        error(ctx, bad.status(), bad.getMessage());
      } else {
        error(ctx, 503, "the cluster could not do it: " + failure.getMessage());
      }
    });
  }

  private static void error(RoutingContext ctx, int status, String reason) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", reason).encode());
    }
  }

  /** Server-sent events: every event as {@code event: name} and {@code data: json}, a comment line every 15 s. */
  private static void stream(Vertx vertx, RoutingContext ctx, EventStream events) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(": baton events\n\n");
    Runnable unsubscribe = events.subscribe(event -> {
      if (!response.closed() && !response.writeQueueFull()) {
        response.write("event: " + event.name() + "\ndata: " + event.data().encode() + "\n\n");
      }
    });
    long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> {
      if (!response.closed()) {
        response.write(": still here\n\n");
      }
    });
    response.closeHandler(v -> {
      unsubscribe.run();
      vertx.cancelTimer(heartbeat);
    });
  }
}
