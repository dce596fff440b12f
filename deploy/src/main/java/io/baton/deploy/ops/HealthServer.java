package io.baton.deploy.ops;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/**
 * Serves a member's {@code GET /healthz/live} and {@code GET /healthz/ready}: 200 with "live" or
 * "ready", 503 with the reason. Plain HTTP without authentication, as orchestrators probe: the
 * answers say nothing but the member's state.
 *
 * <p>It runs on a small Vert.x instance of its own, not the member's: it must answer while the
 * member is still joining (not ready yet) and when the member's own event loops are stuck (not
 * live), instead of timing out.
 */
public final class HealthServer implements AutoCloseable {
  public static final String LIVE = "/healthz/live";
  public static final String READY = "/healthz/ready";
  private static final long START_TIMEOUT_S = 10;

  private final Vertx vertx;
  private final HttpServer server;

  private HealthServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Listens on {@code host:port}; blocks until it does (call it from a plain thread). */
  public static HealthServer start(String host, int port, MemberHealth health) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    HttpServer server = vertx.createHttpServer().requestHandler(request -> answer(vertx, health, request));
    try {
      server.listen(port, host).toCompletionStage().toCompletableFuture().get(START_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      throw new IllegalArgumentException("cannot serve health endpoints on " + host + ":" + port + ": " + cause.getMessage(), cause);
    }
    return new HealthServer(vertx, server);
  }

  public int port() {
    return server.actualPort();
  }

  private static void answer(Vertx vertx, MemberHealth health, HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      request.response().setStatusCode(405).putHeader("Allow", "GET").end();
      return;
    }
    switch (request.path()) {
      case LIVE -> health.live(vertx).onComplete(live -> reply(request, live.succeeded() ? null : live.cause().getMessage(), "live"));
      case READY -> reply(request, health.notReady().orElse(null), "ready");
      default -> request.response().setStatusCode(404).end();
    }
  }

  private static void reply(HttpServerRequest request, String failure, String healthy) {
    request.response()
        .setStatusCode(failure == null ? 200 : 503)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(failure == null ? healthy + "\n" : "not " + healthy + ": " + failure + "\n");
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(START_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the process is ending anyway; a health port left open a moment longer harms nothing
    }
  }
}
