package io.baton.agent.runtime.docker;

import io.baton.agent.migration.TransferClients;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.protocol.grpc.docker.DockerTransferGrpcClient;
import io.vertx.core.Future;
import java.time.Duration;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.baton.agent.transfer.TransferTls;
import io.baton.protocol.security.MemberCredentials;
import java.util.Optional;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;

/**
 * One site of the docker runtime: its engine, the runtime over it, the chunk store, the docker
 * transfer endpoint (gRPC on host:port) and the source side of handoffs from here. What an agent
 * started with {@code --runtime docker} runs beside its usual pieces.
 */
public final class DockerSite {
  private static final Duration LINK_MARGIN = Duration.ofSeconds(30);
  private final Vertx vertx;
  private final String siteId;
  private final String host;
  private final int port;
  private final DockerRuntime runtime;
  private final ChunkStore store;
  private final LinkEmulator emulator;
  private final DockerHandoff handoff;
  private final DockerTransferEndpoint endpoint;
  private final DockerSagaHandoff sagaHandoff;
  private final GrpcClient client;
  private HttpServer server;

  private final Optional<MemberCredentials> credentials;

  public DockerSite(Vertx vertx, String siteId, String host, int port, DockerEngine engine, long memoryCapMb) {
    this(vertx, siteId, host, port, engine, memoryCapMb, Optional.empty());
  }

  /**
   * {@code credentials}: the site's member identity, for mutual TLS on the docker transfer plane
   * and the signatures on what it sends; with them the site applies only signed transfers.
   */
  public DockerSite(Vertx vertx, String siteId, String host, int port, DockerEngine engine, long memoryCapMb,
      Optional<MemberCredentials> credentials) {
    this.credentials = credentials;
    this.vertx = vertx;
    this.siteId = siteId;
    this.host = host;
    this.port = port;
    this.runtime = new DockerRuntime(vertx, siteId, engine, memoryCapMb);
    this.store = new ChunkStore(ChunkStore.DEFAULT_BUDGET_BYTES);
    this.emulator = new LinkEmulator(vertx, siteId);
    this.handoff = new DockerHandoff(runtime);
    this.endpoint = new DockerTransferEndpoint(runtime, store, credentials);
    this.sagaHandoff = new DockerSagaHandoff(this);
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(TransferClients.MAX_MESSAGE_BYTES),
        TransferTls.client(credentials));
  }

  public Future<DockerSite> start() {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(TransferClients.MAX_MESSAGE_BYTES));
    grpc.addService(endpoint);
    server = vertx.createHttpServer(TransferTls.server(host, port, credentials)).requestHandler(grpc);
    return server.listen().map(s -> this);
  }

  /** The link from this site to a target agent's docker transfer endpoint, emulated as the link table says. */
  public Future<DockerLink> linkTo(String toSite, String toHost, int toPort) {
    SocketAddress address = SocketAddress.inetSocketAddress(toPort, toHost);
    DockerTransferGrpcClient stub = DockerTransferGrpcClient.create(client, address);
    return emulator.refresh(toSite).map(profile -> new DockerLink(vertx, emulator, siteId, toSite, stub,
        new DockerTransferCalls(client, address, toSite), credentials,
        linkDeadline(runtime.engine().deadlines())));
  }

  /**
   * A target's answer may wait on its slowest engine call (an image load, a restore) plus the
   * chunks it assembles: that call's deadline and a margin.
   */
  private static Duration linkDeadline(EngineDeadlines deadlines) {
    Duration slowest = java.util.stream.Stream.of(deadlines.restore(), deadlines.image(), deadlines.call())
        .max(Duration::compareTo).orElseThrow();
    return slowest.plus(LINK_MARGIN);
  }

  public String siteId() {
    return siteId;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public DockerRuntime runtime() {
    return runtime;
  }

  public DockerHandoff handoff() {
    return handoff;
  }

  /** How this site's containers take part in the broker's handoff saga, in both roles. */
  public DockerSagaHandoff sagaHandoff() {
    return sagaHandoff;
  }

  /** The target side of docker handoffs at this site. */
  public DockerTransferEndpoint endpoint() {
    return endpoint;
  }

  public ChunkStore store() {
    return store;
  }

  public LinkEmulator emulator() {
    return emulator;
  }

  public Future<Void> stop() {
    return client.close().compose(v -> server == null ? Future.succeededFuture() : server.close());
  }
}
