package io.baton.agent.migration;

import io.baton.agent.transfer.ChunkIntake;
import io.baton.agent.transfer.TransferClients;
import io.baton.agent.transfer.TransferManifests;
import com.google.protobuf.ByteString;
import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.FencedException;
import io.baton.agent.runtime.PagedMemoryRuntime;
import io.baton.agent.runtime.memory.PageSource;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.Hashes;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.PagesCompleted;
import io.baton.protocol.event.TargetPrepared;
import io.baton.protocol.grpc.ChunkNeeds;
import io.baton.protocol.grpc.ChunkOffer;
import io.baton.protocol.grpc.ExecutionState;
import io.baton.protocol.grpc.ExecutionStateReceipt;
import io.baton.protocol.grpc.PageData;
import io.baton.protocol.grpc.PageRef;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The target side of migrations at this site. It accepts state only for handoffs it prepared,
 * keeps every verified chunk in the site's {@link ChunkStore}, and restores an instance from the
 * store: completely before it serves (cold, pre-copy), or lazily with a {@link LazyPageLoader}
 * (post-copy, hybrid).
 */
public final class MigrationTarget {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MigrationTarget.class);
  private final Vertx vertx;
  private final Context context;
  private final AgentConfig config;
  private final PagedMemoryRuntime runtime;
  private final ChunkStore store;
  private final LinkEmulator emulator;
  private final TransferClients clients;
  private final Map<String, TargetSession> sessions = new ConcurrentHashMap<>();
  private final PrestageReceptions prestages;

  public MigrationTarget(Vertx vertx, Context context, AgentConfig config, PagedMemoryRuntime runtime, ChunkStore store,
      LinkEmulator emulator, TransferClients clients) {
    this.prestages = new PrestageReceptions(store);
    this.vertx = vertx;
    this.context = context;
    this.config = config;
    this.runtime = runtime;
    this.store = store;
    this.emulator = emulator;
    this.clients = clients;
  }

  public Future<TargetPrepared> prepare(HandoffRequested request) {
    if (!runtime.serviceKinds().contains(request.serviceKind())) {
      return Future.failedFuture("site " + config.siteId() + " cannot run '" + request.serviceKind() + "'");
    }
    if (runtime.state(request.instanceId()).isPresent()) {
      return Future.failedFuture("instance " + request.instanceId() + " already exists at " + config.siteId());
    }
    sessions.put(request.handoffId(), new TargetSession(request));
    long prestagedBytes = prestages.takeCompleted(request.instanceId());
    return emulator.refresh(request.sourceSite())
        .map(v -> new TargetPrepared(request.handoffId(), config.siteId(), config.host(), config.transferPort(), prestagedBytes));
  }

  /** The pre-stages this site receives (it is their target). */
  public PrestageReceptions prestages() {
    return prestages;
  }

  public Optional<HandoffRequested> requestOf(String handoffId) {
    return Optional.ofNullable(sessions.get(handoffId)).map(s -> s.request);
  }

  public Optional<String> sourceOf(String handoffId) {
    return Optional.ofNullable(sessions.get(handoffId)).map(s -> s.request.sourceSite()).or(() -> prestages.sourceOf(handoffId));
  }

  /**
   * Records the offered pages; answers with the chunks this site lacks. An offer under a pre-stage
   * id records nothing: a pre-stage only fills the chunk store. A handoff's offer first reserves
   * room for its chunks in the store and is refused if they do not fit.
   */
  public ChunkNeeds offer(ChunkOffer offer) {
    TargetSession session = prestages.isOpen(offer.getHandoffId()) ? null : session(offer.getHandoffId());
    if (session != null) {
      store.reserve(offer.getHandoffId(), offer.getPagesList().stream().map(PageRef::getSha256).toList());
    }
    Set<ByteString> lacking = new LinkedHashSet<>();
    for (PageRef page : offer.getPagesList()) {
      if (session != null) {
        session.offered(offer.getPageCount(), page.getPage(), page.getSha256());
      }
      if (!store.contains(page.getSha256())) {
        lacking.add(page.getSha256());
      }
    }
    return ChunkNeeds.newBuilder().addAllSha256(lacking).build();
  }

  /**
   * Where a handoff's or a pre-stage's chunks go here: a pre-stage keeps track of the chunks it
   * added (a cancellation drops exactly those); a handoff's go to the store, under the room its
   * offer reserved. Another session's are not this runtime's.
   */
  public Optional<ChunkIntake.Sink> sinkFor(String session) {
    if (prestages.isOpen(session)) {
      return Optional.of(new ChunkIntake.Sink(PagedMemory.PAGE_SIZE, (address, data) -> prestages.store(session, address, data),
          prestages.sourceOf(session).orElse("")));
    }
    TargetSession open = sessions.get(session);
    return open == null ? Optional.empty()
        : Optional.of(new ChunkIntake.Sink(PagedMemory.PAGE_SIZE, store::put, open.request.sourceSite()));
  }


  public ExecutionStateReceipt executionState(ExecutionState state) {
    TargetSession session = session(state.getHandoffId());
    if (!Hashes.address(state.getState().toByteArray()).equals(state.getSha256())) {
      throw new IllegalStateException("execution state does not match its digest: truncated or altered in transit");
    }
    Map<Integer, PageData> dumpPages = checkedDumpPages(state);
    try {
      config.credentials().ifPresent(member -> checkManifest(member, config.siteId(), session, dumpPages, state));
    } catch (SecurityException refused) {
      // the gRPC status the source gets has no room for the reason: the operator finds it here
      LOG.warn("{} refuses the snapshot of handoff {} from {}: {}", config.siteId(), state.getHandoffId(),
          state.getSourceSite(), refused.getMessage());
      throw refused;
    }
    keepDumpPages(state, session, dumpPages.values());
    session.executionState = state;
    int held = 0;
    for (int page = 0; page < state.getPageCount(); page++) {
      ByteString address = session.addressOf(page);
      if (address != null && store.contains(address)) {
        held++;
      }
    }
    return ExecutionStateReceipt.newBuilder().setPagesHeld(held).setPagesMissing(state.getPageCount() - held).build();
  }

  /** The dump pages that ride with the state, by page, each checked against its hash and the page count. */
  private static Map<Integer, PageData> checkedDumpPages(ExecutionState state) {
    Map<Integer, PageData> pages = new java.util.HashMap<>();
    for (PageData page : state.getDumpPagesList()) {
      if (page.getPage() < 0 || page.getPage() >= state.getPageCount()) {
        throw new IllegalStateException("dump page " + page.getPage() + " outside 0.." + (state.getPageCount() - 1));
      }
      if (page.getData().size() != PagedMemory.PAGE_SIZE || !Hashes.address(page.getData().toByteArray()).equals(page.getSha256())) {
        throw new IllegalStateException("dump page " + page.getPage() + " does not match its digest: truncated or altered in transit");
      }
      pages.put(page.getPage(), page);
    }
    return pages;
  }

  /** Pins the dump's pages for the restore as an offer and its chunks would have; refused, changing nothing, if they do not fit. */
  private void keepDumpPages(ExecutionState state, TargetSession session, java.util.Collection<PageData> pages) {
    if (pages.isEmpty()) {
      return;
    }
    store.reserve(state.getHandoffId(), pages.stream().map(PageData::getSha256).toList());
    for (PageData page : pages) {
      store.put(page.getSha256(), page.getData().toByteArray());
      session.offered(state.getPageCount(), page.getPage(), page.getSha256());
    }
  }

  /**
   * Restores only what the source signed: the manifest names this instance and handoff, the pages
   * as they were offered here (or ride with the state) and the execution state, and is signed by
   * the source site's member key. Anything else is refused before it is kept, so a restore cannot
   * find it.
   */
  private static void checkManifest(io.baton.protocol.security.MemberCredentials member, String here, TargetSession session,
      Map<Integer, PageData> dumpPages, ExecutionState state) {
    java.util.BitSet stale = new java.util.BitSet();
    state.getStalePagesList().forEach(stale::set);
    ByteString offeredHere = PagesDigest.of(state.getPageCount(), page -> stale.get(page) ? null
        : dumpPages.containsKey(page) ? dumpPages.get(page).getSha256() : session.offeredAddress(page));
    if (!offeredHere.equals(state.getPagesDigest())) {
      throw new SecurityException("the snapshot manifest lists other pages than were offered for handoff " + state.getHandoffId());
    }
    HandoffRequested request = session.request;
    if (!state.getInstanceId().equals(request.instanceId()) || !state.getClientId().equals(request.clientId())
        || state.getEpoch() != request.epoch()) {
      throw new SecurityException("the snapshot manifest is of " + state.getInstanceId() + " (client " + state.getClientId()
          + ", epoch " + state.getEpoch() + "), handoff " + state.getHandoffId() + " moves " + request.instanceId()
          + " (client " + request.clientId() + ", epoch " + request.epoch() + ")");
    }
    if (!state.getSignature().getSourceSite().isEmpty() && !state.getSignature().getSourceSite().equals(request.sourceSite())) {
      throw new SecurityException("the snapshot is signed as sent from " + state.getSignature().getSourceSite()
          + ", handoff " + state.getHandoffId() + " is from " + request.sourceSite());
    }
    TransferManifests.verify(state, member.clusterAnchors(), here);
  }

  /**
   * Builds the memory from the chunk store, stages the instance under {@code epoch}, runs {@code
   * commit} (the fence) and activates it only if the commit won. A lazy restore then starts
   * streaming the missing pages.
   */
  public Future<Long> restore(String handoffId, String executionStateDigest, long epoch, Supplier<Future<Boolean>> commit) {
    TargetSession session = sessions.get(handoffId);
    if (session == null || session.executionState == null
        || !Hashes.hex(session.executionState.getSha256()).equals(executionStateDigest)) {
      return Future.failedFuture("no verified execution state with digest " + executionStateDigest + " for handoff "
          + handoffId + " at " + config.siteId());
    }
    long start = System.nanoTime();
    ExecutionState state = session.executionState;
    HandoffRequested request = session.request;
    InstanceSpec spec = new InstanceSpec(request.instanceId(), request.clientId(), request.serviceKind(), epoch);
    LazyPageLoader loader = state.getLazy()
        ? new LazyPageLoader(context, handoffId, config.siteId(), state.getSourceSite(),
            clients.to(state.getSourceHost(), state.getSourcePort()), emulator)
        : null;
    return vertx.executeBlocking(() -> assemble(session, state, loader), false)
        // The memory holds its own copy of every page now: the chunks need no pin any more.
        .onComplete(assembled -> store.release(handoffId))
        .compose(memory -> {
          session.memory = memory;
          session.loader = loader;
          return runtime.stage(spec, memory, state.getState().toByteArray());
        })
        .compose(v -> commit.get())
        .compose(committed -> {
          if (!committed) {
            return runtime.discard(spec.instanceId()).compose(v -> Future.failedFuture(
                new FencedException("handoff " + handoffId + " no longer holds client " + request.clientId())));
          }
          return runtime.activate(spec.instanceId());
        })
        .map(v -> {
          session.restoredAtNanos = System.nanoTime();
          if (loader != null) {
            loader.streamRest();
          }
          return (System.nanoTime() - start) / 1_000;
        });
  }

  private PagedMemory assemble(TargetSession session, ExecutionState state, LazyPageLoader loader) {
    PageSource source = loader != null ? loader : page -> {
      throw new PageSource.PageUnavailableException("page " + page + " missing from a complete restore");
    };
    PagedMemory memory = PagedMemory.awaiting(state.getPageCount(), source);
    int missing = 0;
    for (int page = 0; page < state.getPageCount(); page++) {
      ByteString address = session.addressOf(page);
      Optional<byte[]> chunk = address == null ? Optional.empty() : store.get(address);
      if (chunk.isPresent()) {
        memory.install(page, chunk.get());
      } else {
        missing++;
      }
    }
    if (loader == null && missing > 0) {
      throw new IllegalStateException("incomplete state: " + missing + " of " + state.getPageCount() + " pages never arrived");
    }
    if (loader != null) {
      loader.attach(memory);
    }
    return memory;
  }

  /** Completes once a lazily restored memory holds every page; fails if the source was lost first. */
  public Future<PagesCompleted> awaitPages(String handoffId) {
    TargetSession session = sessions.get(handoffId);
    if (session == null || session.memory == null) {
      return Future.failedFuture("handoff " + handoffId + " was not restored at " + config.siteId());
    }
    return Future.fromCompletionStage(session.memory.whenComplete(), context).map(v -> {
      LazyPageLoader loader = session.loader;
      PagesCompleted done = new PagesCompleted(handoffId, config.siteId(), session.memory.faults(),
          loader == null ? 0 : loader.pagesArrived(), loader == null ? 0 : loader.bytesArrived(),
          (System.nanoTime() - session.restoredAtNanos) / 1_000);
      sessions.remove(handoffId);
      store.release(handoffId);
      return done;
    });
  }

  /** Compensation: forget the handoff and drop whatever was staged for it. */
  public Future<Void> discard(String handoffId, String instanceId) {
    TargetSession session = sessions.remove(handoffId);
    store.release(handoffId);
    if (session != null && session.memory != null) {
      session.memory.abandon("handoff " + handoffId + " aborted");
    }
    return runtime.discard(instanceId);
  }

  public void forget(String handoffId) {
    sessions.remove(handoffId);
    store.release(handoffId);
  }

  private TargetSession session(String handoffId) {
    TargetSession session = sessions.get(handoffId);
    if (session == null) {
      throw new IllegalStateException("no handoff " + handoffId + " is prepared at " + config.siteId());
    }
    return session;
  }
}
