package io.baton.agent.runtime.container;

import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.SiteRuntime;
import io.baton.agent.transfer.ChunkIntake;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.agent.transfer.TransferPlane;
import io.baton.protocol.grpc.TransferGrpcClient;
import io.baton.protocol.grpc.TransferGrpcService;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * One site of the container runtime: the runtime over its engine and the container transfer endpoint
 * with the source side of handoffs from here, on the site's {@link TransferPlane}: the agent's one
 * transfer port, its chunk store (and cap), its emulated links and its client to other sites.
 */
public final class ContainerSite {
  private static final Duration LINK_MARGIN = Duration.ofSeconds(30);
  private final TransferPlane plane;
  /** Whether this site opened the plane itself (a site without an agent), so stops it. */
  private final boolean ownsPlane;
  private final ContainerRuntime runtime;
  private final ContainerHandoff handoff;
  private final ContainerTransferEndpoint endpoint;
  private final PageRelay relay;
  private final ContainerSagaHandoff sagaHandoff;

  /** The container part of an agent: {@code runtime}'s containers move over the agent's plane. */
  public ContainerSite(ContainerRuntime runtime, TransferPlane plane) {
    this(runtime, plane, false);
  }

  /** A container site without an agent (tests, the benchmark's baselines): it opens a plane of its own on host:port. */
  public ContainerSite(Vertx vertx, String siteId, String host, int port, ContainerEngine engine, long memoryCapMb) {
    this(vertx, siteId, host, port, engine, memoryCapMb, Optional.empty());
  }

  /**
   * As above; {@code credentials}: the site's member identity, for mutual TLS on the transfer plane
   * and the signatures on what it sends; with them the site applies only signed transfers.
   */
  public ContainerSite(Vertx vertx, String siteId, String host, int port, ContainerEngine engine, long memoryCapMb,
      Optional<MemberCredentials> credentials) {
    this(new ContainerRuntime(vertx, siteId, engine, memoryCapMb), new TransferPlane(vertx, standalone(siteId, host, port, credentials),
        ChunkStore.DEFAULT_BUDGET_BYTES), true);
  }

  private ContainerSite(ContainerRuntime runtime, TransferPlane plane, boolean ownsPlane) {
    this.plane = plane;
    this.ownsPlane = ownsPlane;
    this.runtime = runtime;
    this.relay = new PageRelay(plane);
    this.handoff = new ContainerHandoff(runtime, relay);
    this.endpoint = new ContainerTransferEndpoint(runtime, plane.chunkStore(), plane.site().credentials(), relay);
    this.sagaHandoff = new ContainerSagaHandoff(this);
  }

  /** A site that serves no clients: only its transfer port counts. */
  private static AgentConfig standalone(String siteId, String host, int port, Optional<MemberCredentials> credentials) {
    AgentConfig plain = new AgentConfig(siteId, host, 0, port);
    return credentials.map(plain::withCredentials).orElse(plain);
  }

  /** Binds the container endpoint on the plane (and starts the plane, if this site opened it). */
  public Future<ContainerSite> start() {
    TransferGrpcService.builder(endpoint).bind(TransferGrpcService.ImageLayers, TransferGrpcService.LoadImage,
        TransferGrpcService.Prepare, TransferGrpcService.SyncLayer, TransferGrpcService.Restore, TransferGrpcService.Discard)
        .build().bind(plane.server());
    // A container transfer's sessions are named by its source: the target keeps every chunk that
    // matches its address, in the site's store, unreserved (a paged handoff reserves at its offer).
    plane.chunkIntake().route(session -> Optional.of(new ChunkIntake.Sink(ChunkedFile.FILE_CHUNK, plane.chunkStore()::put, "")));
    return (ownsPlane ? plane.start() : Future.<Void>succeededFuture()).map(v -> this);
  }

  /** The link from this site to a target agent's container transfer endpoint, emulated as the link table says. */
  public Future<ContainerLink> linkTo(String toSite, String toHost, int toPort) {
    SocketAddress address = SocketAddress.inetSocketAddress(toPort, toHost);
    var client = plane.clients().grpc();
    TransferGrpcClient stub = TransferGrpcClient.create(client, address);
    return plane.links().refresh(toSite).map(profile -> new ContainerLink(runtime.vertx(), plane.links(), siteId(), toSite, stub,
        new ContainerTransferCalls(client, address, toSite), plane.site().credentials(),
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
    return runtime.siteId();
  }

  /** Where other sites reach this one's transfer plane. */
  public String host() {
    return plane.site().host();
  }

  public int port() {
    return plane.site().transferPort();
  }

  public ContainerRuntime runtime() {
    return runtime;
  }

  public ContainerHandoff handoff() {
    return handoff;
  }

  /** How this site's containers take part in the broker's handoff saga, in both roles. */
  public ContainerSagaHandoff sagaHandoff() {
    return sagaHandoff;
  }

  /** The target side of container handoffs at this site. */
  public ContainerTransferEndpoint endpoint() {
    return endpoint;
  }

  /** Where this site's post-copy page traffic crosses the plane. */
  public PageRelay relay() {
    return relay;
  }

  public ChunkStore store() {
    return plane.chunkStore();
  }

  public LinkEmulator emulator() {
    return plane.links();
  }

  /** Stops the plane if this site opened it; an agent's plane stops with the agent. */
  public Future<Void> stop() {
    return ownsPlane ? plane.stop() : Future.succeededFuture();
  }

  /**
   * An agent's site running {@code runtime}'s containers, which cross on the agent's plane once it
   * starts: the container endpoint binds there, and the operator commands start with it.
   */
  public static SiteRuntime siteRuntime(ContainerRuntime runtime) {
    return SiteRuntime.of(runtime, plane -> new ContainerSite(runtime, plane).start()
        .compose(site -> new ContainerControl(site).start().map(v -> site.sagaHandoff())));
  }
}
