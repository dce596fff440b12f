package io.baton.agent.transfer;

import io.baton.agent.AgentConfig;
import io.baton.protocol.grpc.PingRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;

/**
 * A site's one transfer plane, whatever runtime it runs: one gRPC server on the agent's transfer
 * port (mutual TLS with member credentials), one client to other sites' planes, one emulated link
 * per peer and one chunk store with its cap and reservations. The plane serves {@code Ping} and the
 * chunks of every artifact itself ({@link #chunkIntake()}, where a runtime routes its sessions);
 * a runtime's handoff strategy binds the methods that apply its state on {@link #server()} before
 * {@link #start()}.
 */
public final class TransferPlane {
  private final Vertx vertx;
  private final Context context;
  private final AgentConfig site;
  private final GrpcServer server;
  private final TransferClients clients;
  private final LinkEmulator links;
  private final ChunkStore chunkStore;
  private final ChunkIntake chunkIntake;
  private HttpServer http;

  /**
   * Opened on the context that will own the plane's work (the agent verticle's): page faults of a
   * post-copy restore complete there. {@code chunkStoreBytes}: what the site may hold of states in
   * transit; a handoff that needs more is refused.
   */
  public TransferPlane(Vertx vertx, AgentConfig site, long chunkStoreBytes) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.site = site;
    this.server = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(TransferClients.MAX_MESSAGE_BYTES));
    this.clients = new TransferClients(vertx, site.credentials());
    this.links = new LinkEmulator(vertx, site.siteId());
    this.chunkStore = new ChunkStore(chunkStoreBytes);
    this.chunkIntake = new ChunkIntake(chunkStore, links, site.siteId());
    PlaneService.bind(server, site.siteId(), links, chunkIntake);
  }

  /** Listens on the site's transfer port, then pings itself through it (see {@link #selfCheck}). */
  public Future<Void> start() {
    http = vertx.createHttpServer(TransferTls.server(site.host(), site.transferPort(), site.credentials())).requestHandler(server);
    return http.listen().compose(listening -> selfCheck());
  }

  /**
   * Proves the port answers as this site before anyone is sent here, and loads the gRPC path once
   * here rather than inside the first handoff's downtime (measured: the first transfer in a fresh
   * JVM took 200 ms, later ones 10 ms).
   */
  private Future<Void> selfCheck() {
    return clients.to(site.host(), site.transferPort())
        .ping(PingRequest.newBuilder().setFromSite(site.siteId()).build())
        .compose(reply -> reply.getSite().equals(site.siteId()) ? Future.succeededFuture()
            : Future.failedFuture("transfer endpoint " + site.host() + ":" + site.transferPort() + " answers as " + reply.getSite()));
  }

  public Future<Void> stop() {
    return (http == null ? Future.<Void>succeededFuture() : http.close()).eventually(clients::close);
  }

  public Vertx vertx() {
    return vertx;
  }

  public Context context() {
    return context;
  }

  public AgentConfig site() {
    return site;
  }

  public GrpcServer server() {
    return server;
  }

  public TransferClients clients() {
    return clients;
  }

  public LinkEmulator links() {
    return links;
  }

  public ChunkStore chunkStore() {
    return chunkStore;
  }

  public ChunkIntake chunkIntake() {
    return chunkIntake;
  }
}
