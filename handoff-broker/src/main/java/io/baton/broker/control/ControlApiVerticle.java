package io.baton.broker.control;

import io.baton.broker.HandoffBrokerVerticle;
import io.baton.broker.placement.OverloadRescue;
import io.baton.broker.placement.PlacementPolicy;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.grpc.server.GrpcServer;

/** Serves the control API (REST and gRPC on one port) and the dashboard of one broker, next to its {@link HandoffBrokerVerticle}. */
public final class ControlApiVerticle extends VerticleBase {
  private static final long STALE_LOAD_MS = 15_000;
  private static final long RESCUE_COOLDOWN_MS = 30_000;

  private final HandoffBrokerVerticle broker;
  private final ControlApiConfig config;
  private ControlService control;
  private HttpServer server;

  public ControlApiVerticle(HandoffBrokerVerticle broker, ControlApiConfig config) {
    this.broker = broker;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    control = new ControlService(vertx, broker, new LoadBoard(config.overloadPercent(), STALE_LOAD_MS));
    EventStream events = new EventStream(vertx);
    return control.start()
        .compose(v -> events.start())
        .compose(v -> config.placement().equals("off") ? Future.succeededFuture()
            : new OverloadRescue(vertx, control, broker, PlacementPolicy.named(config.placement()), RESCUE_COOLDOWN_MS).start())
        .compose(v -> {
          Router rest = RestApi.router(vertx, control, events, config.token());
          GrpcServer grpc = GrpcControl.server(vertx, control, events, config.token());
          // One port for both: gRPC requests (HTTP/2, application/grpc) go to gRPC, the rest to REST and the dashboard.
          return vertx.createHttpServer(serverOptions())
              .requestHandler(request -> {
                String type = request.getHeader("Content-Type");
                if (type != null && type.startsWith("application/grpc")) {
                  grpc.handle(request);
                } else {
                  rest.handle(request);
                }
              })
              .listen(config.port(), config.host());
        })
        .onSuccess(listening -> server = listening);
  }

  /** TLS with the member's certificate when the config has one; ALPN so gRPC gets HTTP/2. */
  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions();
    config.tls().ifPresent(credentials -> options.setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(credentials.certificatePem().toString())
            .setKeyPath(credentials.keyPem().toString())));
    return options;
  }

  public ControlService control() {
    return control;
  }

  /** The port actually bound (the configured one, or the one the OS chose for 0). */
  public int port() {
    return server.actualPort();
  }
}
