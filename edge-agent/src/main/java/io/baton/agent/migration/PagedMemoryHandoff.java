package io.baton.agent.migration;

import io.baton.agent.runtime.HandoffStrategy;
import io.baton.agent.runtime.PagedMemoryRuntime;
import io.baton.agent.transfer.TransferPlane;
import io.baton.protocol.grpc.TransferGrpcService;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.MigrationAssessed;
import io.baton.protocol.event.PagesCompleted;
import io.baton.protocol.event.PrestageCancelled;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.Prestaged;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.StatePrecopied;
import io.baton.protocol.event.StateTransferred;
import io.baton.protocol.event.TargetPrepared;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Supplier;

/** The saga's steps for instances held in paged memory: seed 000's techniques over the transfer plane. */
public final class PagedMemoryHandoff implements HandoffStrategy {
  private final MigrationSource source;
  private final MigrationTarget target;
  private final PrestageSender prestages;
  private final String siteId;

  /** How long a pre-stage waits for the target to open its reception. */
  private static final long PRESTAGE_OPEN_TIMEOUT_MS = 3_000;

  public PagedMemoryHandoff(String siteId, MigrationSource source, MigrationTarget target, PrestageSender prestages) {
    this.siteId = siteId;
    this.source = source;
    this.target = target;
    this.prestages = prestages;
  }

  /**
   * The steps for {@code runtime}'s instances over the site's transfer plane: both roles of the
   * page-moving techniques, whose target and source methods it binds on the plane's server.
   */
  public static PagedMemoryHandoff over(PagedMemoryRuntime runtime, TransferPlane plane) {
    MigrationSource source = new MigrationSource(plane.vertx(), plane.site(), runtime, new Techniques(PrecopyLimits.defaults()),
        plane.links(), plane.clients());
    MigrationTarget target = new MigrationTarget(plane.vertx(), plane.context(), plane.site(), runtime, plane.chunkStore(),
        plane.links(), plane.clients());
    TransferGrpcService.builder(new TransferService(plane.site().siteId(), target, source, plane.links()))
        .bind(TransferGrpcService.Offer, TransferGrpcService.PutExecutionState, TransferGrpcService.FetchPages,
            TransferGrpcService.StreamPages)
        .build().bind(plane.server());
    plane.chunkIntake().route(target::sinkFor);
    return new PagedMemoryHandoff(plane.site().siteId(), source, target,
        new PrestageSender(plane.vertx(), runtime, plane.links(), plane.clients(), PRESTAGE_OPEN_TIMEOUT_MS));
  }

  /** The pre-stages this site received as a target (tests look into it). */
  public PrestageReceptions prestages() {
    return target.prestages();
  }

  @Override
  public Future<MigrationAssessed> assess(HandoffRequested request) {
    return source.assess(request);
  }

  @Override
  public Future<StatePrecopied> precopy(HandoffRequested request) {
    return source.precopy(request);
  }

  @Override
  public Future<SourceFrozen> freeze(HandoffRequested request) {
    return source.freeze(request);
  }

  @Override
  public Future<StateTransferred> transfer(HandoffRequested request) {
    return source.transfer(request);
  }

  @Override
  public Optional<HandoffRequested> sourceRequest(String handoffId) {
    return source.requestOf(handoffId);
  }

  @Override
  public void closeSource(String handoffId) {
    source.close(handoffId);
  }

  @Override
  public Future<TargetPrepared> prepare(HandoffRequested request) {
    return target.prepare(request);
  }

  @Override
  public Optional<HandoffRequested> targetRequest(String handoffId) {
    return target.requestOf(handoffId);
  }

  @Override
  public Future<Long> restore(String handoffId, String stateDigest, long epoch, Supplier<Future<Boolean>> commit) {
    return target.restore(handoffId, stateDigest, epoch, commit);
  }

  @Override
  public Future<PagesCompleted> awaitPages(String handoffId) {
    return target.awaitPages(handoffId);
  }

  @Override
  public Future<Void> discardTarget(String handoffId, String instanceId) {
    return target.discard(handoffId, instanceId);
  }

  @Override
  public Future<Prestaged> prestage(PrestageRequested request) {
    return prestages.send(request);
  }

  /** The source's {@link PrestageSender} asks first, so that its chunks are kept as a pre-stage's. */
  @Override
  public Future<Void> openPrestage(PrestageRequested request) {
    target.prestages().open(request);
    return Future.succeededFuture();
  }

  @Override
  public void prestageCompleted(Prestaged done) {
    target.prestages().complete(done.prestageId());
  }

  /** The target drops exactly the chunks the pre-stage added. */
  @Override
  public void prestageCancelled(PrestageCancelled cancelled) {
    if (cancelled.targetSite().equals(siteId)) {
      target.prestages().cancel(cancelled.prestageId());
    }
  }
}
