package io.baton.agent.migration;

import io.baton.agent.transfer.TransferClients;
import io.baton.agent.transfer.TransferManifests;
import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.PagedMemoryRuntime;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.MigrationAssessed;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.StatePrecopied;
import io.baton.protocol.event.StateTransferred;
import io.baton.protocol.grpc.ExecutionState;
import io.baton.protocol.grpc.TransferGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The source side of migrations at this site: one {@link SourceSession} per handoff, opened by
 * whichever step comes first and closed on release or abort. The technique named in the request
 * decides what each phase sends.
 */
public final class MigrationSource {
  private final AgentConfig config;
  private final PagedMemoryRuntime runtime;
  private final Techniques techniques;
  private final LinkEmulator emulator;
  private final TransferClients clients;
  private final PagePusher pusher;
  private final LinkProbe probe;
  private final SiteDirectory sites;
  private final Map<String, SourceSession> sessions = new ConcurrentHashMap<>();

  public MigrationSource(Vertx vertx, AgentConfig config, PagedMemoryRuntime runtime, Techniques techniques, LinkEmulator emulator,
      TransferClients clients) {
    this.config = config;
    this.runtime = runtime;
    this.techniques = techniques;
    this.emulator = emulator;
    this.clients = clients;
    this.pusher = new PagePusher(vertx, emulator);
    this.probe = new LinkProbe(config.siteId(), emulator);
    this.sites = new SiteDirectory(vertx);
  }

  /** Measures what the adaptive choice needs: the link to the target, the state, its dirty rate. */
  public Future<MigrationAssessed> assess(HandoffRequested request) {
    return sites.lookup(request.targetSite())
        .compose(target -> emulator.refresh(target.siteId())
            .compose(v -> probe.measure(target.siteId(), clients.to(target.transferHost(), target.transferPort())))
            .compose(link -> runtime.image(request.instanceId()).map(image -> new MigrationAssessed(request.handoffId(),
                link.bytesPerSecond(), link.rttMillis(), image.memory().sizeBytes(), image.memory().dirtyBytesPerSecond(),
                image.executionState().length))));
  }

  public Future<StatePrecopied> precopy(HandoffRequested request) {
    return session(request).compose(session -> session.technique.precopy(session).map(report -> {
      session.precopy = report;
      return new StatePrecopied(request.handoffId(), report.rounds(), report.bytesSent(), report.readMicros(),
          report.transferMicros(), report.stopReason());
    }));
  }

  /** Freezes the instance and captures the dump. The caller has checked the fence. */
  public Future<SourceFrozen> freeze(HandoffRequested request) {
    long start = System.nanoTime();
    return session(request).compose(session -> runtime.freeze(request.instanceId())
        .compose(v -> runtime.image(request.instanceId()))
        .compose(image -> session.captureDump(image.executionState()))
        .map(v -> new SourceFrozen(request.handoffId(), config.siteId(), session.dumpBytes(), (System.nanoTime() - start) / 1_000)));
  }

  /**
   * Sends the dump pages, then the execution state that lets the target restore; or both in one
   * message when the dump rides with the state.
   */
  public Future<StateTransferred> transfer(HandoffRequested request) {
    SourceSession session = sessions.get(request.handoffId());
    if (session == null || session.executionState == null) {
      return Future.failedFuture("no frozen instance for handoff " + request.handoffId() + " at " + config.siteId());
    }
    long start = System.nanoTime();
    boolean withState = session.dumpRidesWithState();
    ExecutionState unsigned = ExecutionState.newBuilder()
        .setHandoffId(request.handoffId())
        .setState(com.google.protobuf.ByteString.copyFrom(session.executionState))
        .setSha256(io.baton.agent.transfer.Hashes.address(session.executionState))
        .setPageCount(session.memory.pageCount())
        .addAllStalePages(session.stale.stream().boxed().toList())
        .setLazy(session.technique.lazy())
        .setSourceSite(config.siteId())
        .setSourceHost(config.host())
        .setSourcePort(config.transferPort())
        .setPagesDigest(session.pagesDigest())
        .setInstanceId(request.instanceId())
        .setClientId(request.clientId())
        .setEpoch(request.epoch())
        .addAllDumpPages(withState ? session.dumpPageData() : List.of())
        .build();
    ExecutionState state = config.credentials()
        .map(member -> TransferManifests.sign(unsigned, member, config.siteId(), request.targetSite())).orElse(unsigned);
    Future<PushReport> dumpSent = withState ? Future.succeededFuture(new PushReport(0, 0, 0, 0, 0, 0)) : session.sendDump();
    return dumpSent
        .compose(pushed -> emulator.deliver(session.target.siteId(), state.getSerializedSize())
            .compose(v -> session.stub.putExecutionState(state))
            .map(receipt -> new StateTransferred(request.handoffId(), request.targetSite(),
                pushed.bytesSent() + state.getSerializedSize(), io.baton.agent.transfer.Hashes.hex(state.getSha256()),
                (System.nanoTime() - start) / 1_000)));
  }

  /** The memory a post-copy target may still fetch pages of. */
  public Optional<PagedMemory> memoryFor(String handoffId) {
    return Optional.ofNullable(sessions.get(handoffId)).map(s -> s.memory);
  }

  public Optional<HandoffRequested> requestOf(String handoffId) {
    return Optional.ofNullable(sessions.get(handoffId)).map(s -> s.request);
  }

  public void close(String handoffId) {
    sessions.remove(handoffId);
  }

  private Future<SourceSession> session(HandoffRequested request) {
    SourceSession open = sessions.get(request.handoffId());
    if (open != null) {
      return Future.succeededFuture(open);
    }
    MigrationTechnique technique;
    try {
      technique = techniques.named(request.technique());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return sites.lookup(request.targetSite()).compose(target -> {
      TransferGrpcClient stub = clients.to(target.transferHost(), target.transferPort());
      return emulator.refresh(target.siteId())
          .compose(v -> probe.measure(target.siteId(), stub))
          .compose(link -> runtime.image(request.instanceId())
              .map(image -> sessions.computeIfAbsent(request.handoffId(),
                  id -> new SourceSession(request, target, technique, stub, image.memory(), link, pusher))));
    });
  }
}
