package io.baton.agent.runtime.container;

import io.baton.agent.runtime.HandoffStrategy;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.TargetCopyLostException;
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
import io.baton.protocol.grpc.Instance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's handoff saga for containers, seed 002's stages mapped onto its steps:
 *
 * <ul>
 *   <li>pre-copy (running): the image layers the target lacks and the target container, created
 *       before the freeze; for any technique but {@code cold} also the writable layer and
 *       leave-running checkpoints (nothing, if the instance was pre-staged there already);
 *   <li>freeze: the final checkpoint, the container stops;
 *   <li>transfer: the writable layer's changes and the final checkpoint's missing pages; the
 *       target rebuilds the checkpoint and restores the container STAGED: running, not serving;
 *   <li>restore (at the target): the commit, after which the container serves;
 *   <li>release: the source's container is removed. An abort instead drops the target's
 *       container and restarts the source from its final checkpoint.
 * </ul>
 */
public final class ContainerSagaHandoff implements HandoffStrategy {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerSagaHandoff.class);
  private static final double UNEMULATED_BYTES_PER_SECOND = 125e6;
  /** What a container pre-stage carries: layers, container, writable layer and memory. */
  public static final String CONTAINER_ARTIFACT = "container";

  private final ContainerSite site;
  /** How long a target's endpoint is looked for in the cluster map, and how often. */
  private static final long ANNOUNCE_WAIT_MILLIS = 5_000;
  private static final long ANNOUNCE_RETRY_MILLIS = 250;
  private final Map<String, SourceRun> sources = new ConcurrentHashMap<>();
  private final Map<String, HandoffRequested> targets = new ConcurrentHashMap<>();
  private static final long PAGES_POLL_MILLIS = 100;
  /** How long the assessment watches a container's pages being touched. */
  private static final Duration TOUCH_WINDOW = Duration.ofMillis(500);
  private static final int PAGE_SIZE = 4096;
  /** How long an ended daemon may take to be reaped and report how it ended. */
  private static final Duration PAGES_EXIT_GRACE = Duration.ofSeconds(5);

  /** A handoff from this site: its request and the link to the target's container endpoint. */
  private record SourceRun(HandoffRequested request, ContainerLink link) {
  }

  ContainerSagaHandoff(ContainerSite site) {
    this.site = site;
  }

  /**
   * What the broker's container model needs: the link as emulated, the container's anonymous memory
   * and the pages it touches per second ({@link PageTouchMeter}, over {@link #TOUCH_WINDOW}), and
   * the techniques this site's engine can run (post-copy only on one with lazy pages).
   */
  @Override
  public Future<MigrationAssessed> assess(HandoffRequested request) {
    var instance = site.runtime().instance(request.instanceId());
    if (instance.isEmpty()) {
      return Future.failedFuture(request.instanceId() + " is not at " + site.siteId());
    }
    String containerId = instance.get().containerId();
    List<String> techniques = site.runtime().engine() instanceof PostCopyEngine
        ? List.of("cold", "pre-copy", "post-copy", "hybrid") : List.of("cold", "pre-copy");
    return site.emulator().refresh(request.targetSite())
        .compose(profile -> site.runtime().vertx().executeBlocking(
            () -> PageTouchMeter.measure(site.runtime().engine().initPid(containerId), TOUCH_WINDOW), false)
            .map(memory -> new MigrationAssessed(request.handoffId(),
                profile.map(p -> p.bandwidthBitsPerSecond() / 8).orElse(UNEMULATED_BYTES_PER_SECOND),
                profile.map(p -> 2 * p.oneWayDelayMillis()).orElse(0.0), memory.anonymousBytes(),
                memory.touchedPagesPerSecond() * PAGE_SIZE, 0, MigrationAssessed.CONTAINER, techniques)));
  }

  @Override
  public Future<StatePrecopied> precopy(HandoffRequested request) {
    // Post-copy sends its memory after the restore, so nothing of it ahead: layers and container.
    // Hybrid pre-stages it, then sends after the restore only the pages written since.
    boolean prestage = !request.technique().equals("cold") && !(postCopy(request) && request.technique().equals("post-copy"));
    return source(request).compose(run -> site.handoff().ahead(request.instanceId(), run.link(), prestage))
        .map(report -> new StatePrecopied(request.handoffId(), report.method().equals("prestage") ? 1 : 0,
            report.preBytes() + report.finalBytes(), 0, report.handoffMicros(), report.method()));
  }

  @Override
  public Future<SourceFrozen> freeze(HandoffRequested request) {
    long start = System.nanoTime();
    return source(request).compose(run -> site.handoff().freezeForHandoff(request.instanceId(), request.targetSite(), postCopy(request)))
        .map(bytes -> new SourceFrozen(request.handoffId(), site.siteId(), bytes, (System.nanoTime() - start) / 1_000));
  }

  @Override
  public Future<StateTransferred> transfer(HandoffRequested request) {
    SourceRun run = sources.get(request.handoffId());
    if (run == null) {
      return Future.failedFuture("no frozen container for handoff " + request.handoffId() + " at " + site.siteId());
    }
    return site.handoff().transferStaged(request.instanceId(), run.link()).map(sent -> new StateTransferred(
        request.handoffId(), request.targetSite(), sent.report().finalBytes(), sent.digest(), sent.report().handoffMicros()));
  }

  @Override
  public Optional<HandoffRequested> sourceRequest(String handoffId) {
    return Optional.ofNullable(sources.get(handoffId)).map(SourceRun::request);
  }

  /** Released or aborted: what was staged at the target is gone either way (used, or dropped by its abort). */
  @Override
  public void closeSource(String handoffId) {
    SourceRun run = sources.remove(handoffId);
    if (run != null) {
      site.handoff().forgetStaged(run.request().instanceId());
    }
  }

  @Override
  public Future<TargetPrepared> prepare(HandoffRequested request) {
    if (!site.runtime().serviceKinds().contains(request.serviceKind())) {
      return Future.failedFuture("site " + site.siteId() + " cannot run '" + request.serviceKind() + "'");
    }
    if (site.runtime().state(request.instanceId()).isPresent()) {
      return Future.failedFuture("instance " + request.instanceId() + " already exists at " + site.siteId());
    }
    targets.put(request.handoffId(), request);
    return site.emulator().refresh(request.sourceSite()).map(v -> new TargetPrepared(request.handoffId(), site.siteId(),
        site.host(), site.port(), site.endpoint().prestagedBytes(request.instanceId())));
  }

  @Override
  public Optional<HandoffRequested> targetRequest(String handoffId) {
    return Optional.ofNullable(targets.get(handoffId));
  }

  /** The container was restored STAGED by the transfer; here it passes the fence and serves. */
  @Override
  public Future<Long> restore(String handoffId, String stateDigest, long epoch, Supplier<Future<Boolean>> commit) {
    HandoffRequested request = targets.get(handoffId);
    String instanceId = request == null ? "" : request.instanceId();
    boolean staged = site.runtime().state(instanceId).filter(s -> s == InstanceState.STAGED).isPresent();
    if (request == null || !staged || !site.endpoint().stagedDigest(instanceId).filter(stateDigest::equals).isPresent()) {
      return Future.failedFuture("no container restored from state " + stateDigest + " for handoff " + handoffId
          + " at " + site.siteId());
    }
    long start = System.nanoTime();
    return commit.get().compose(committed -> {
      site.endpoint().forgetStaged(instanceId);
      if (!committed) {
        return site.runtime().discard(instanceId).compose(v -> Future.failedFuture(
            new io.baton.agent.runtime.FencedException("handoff " + handoffId + " no longer holds client "
                + request.clientId())));
      }
      return site.runtime().activate(instanceId);
    }).compose(v -> instances().compose(map -> map.put(instanceId, site.siteId())).otherwiseEmpty())
        .map(v -> (System.nanoTime() - start) / 1_000);
  }

  /**
   * A container restored from a full checkpoint holds all of its state: nothing is fetched after it
   * serves. A post-copy one serves while its pages cross: this waits until every page is here and
   * the container still runs, after which the source may let go of its frozen copy. A container
   * that died meanwhile is removed and reported as {@link TargetCopyLostException}: the source's
   * copy takes the service back.
   */
  @Override
  public Future<PagesCompleted> awaitPages(String handoffId) {
    HandoffRequested request = targets.remove(handoffId);
    if (request == null) {
      return Future.failedFuture("handoff " + handoffId + " was not restored at " + site.siteId());
    }
    var pages = site.endpoint().takeLazyRestore(request.instanceId());
    if (pages.isEmpty()) {
      return Future.succeededFuture(new PagesCompleted(handoffId, site.siteId(), 0, 0, 0, 0));
    }
    long start = System.nanoTime();
    String instanceId = request.instanceId();
    PostCopyEngine.LazyPages crossing = pages.get();
    // Pages stream like an image: bounded by the longest kind of engine deadline.
    long deadlineNanos = start + site.runtime().engine().deadlines().image().toNanos();
    return whileCrossing(crossing, deadlineNanos).compose(crossed -> site.runtime().vertx().<Void>executeBlocking(() -> {
      RuntimeException crossingFailed = null;
      try (crossing) {
        // The daemon has ended (or its time is up): this only collects how it ended.
        crossing.await(Duration.ofNanos(Math.max(PAGES_EXIT_GRACE.toNanos(), deadlineNanos - System.nanoTime())));
      } catch (RuntimeException failed) {
        crossingFailed = failed;
      }
      // Every page in is not enough: a container over its memory cap is killed as they come in,
      // and CRIU's daemon ends as content without it as with it.
      boolean alive = site.runtime().instance(instanceId).map(ContainerRuntime.ContainerInstance::containerId)
          .map(site.runtime().engine()::running).orElse(false);
      if (!alive) {
        throw new TargetCopyLostException(site.siteId() + "'s restored copy of " + instanceId + " died while its pages came in"
            + (crossingFailed == null ? "" : " (" + crossingFailed.getMessage() + ")"));
      }
      if (crossingFailed != null) {
        throw crossingFailed;
      }
      return null;
    }, false))
        .recover(failure -> failure instanceof TargetCopyLostException
            ? site.runtime().dropDead(instanceId).transform(dropped -> Future.<Void>failedFuture(failure))
            : Future.failedFuture(failure))
        .map(v -> new PagesCompleted(handoffId, site.siteId(), 0, 0, 0, (System.nanoTime() - start) / 1_000));
  }

  /**
   * Completes once the pages' daemon has ended or the deadline has passed, looking every
   * {@link #PAGES_POLL_MILLIS}: a post-copy's memory may take minutes to cross, which no worker
   * thread should spend blocked (the stall watchdog reports a worker blocked past a minute).
   */
  private Future<Void> whileCrossing(PostCopyEngine.LazyPages crossing, long deadlineNanos) {
    Promise<Void> ended = Promise.promise();
    site.runtime().vertx().setPeriodic(PAGES_POLL_MILLIS, timer -> {
      if (!crossing.alive() || System.nanoTime() > deadlineNanos) {
        site.runtime().vertx().cancelTimer(timer);
        ended.tryComplete();
      }
    });
    return ended.future();
  }

  /**
   * Post-copy moves the memory after the restore, hybrid what of it changed since the pre-stage;
   * only an engine with lazy pages can (runc). Elsewhere both run as a pre-copy.
   */
  private boolean postCopy(HandoffRequested request) {
    return (request.technique().equals("post-copy") || request.technique().equals("hybrid"))
        && site.runtime().engine() instanceof PostCopyEngine;
  }

  @Override
  public Future<Void> discardTarget(String handoffId, String instanceId) {
    targets.remove(handoffId);
    return site.endpoint().discard(Instance.newBuilder().setInstanceId(instanceId).build())
        .compose(v -> site.runtime().discard(instanceId));
  }

  /**
   * Pre-stages the container at the predicted site, as {@code baton migrate} does before its
   * handoff: layers, the target container, the writable layer, leave-running checkpoints. A
   * handoff of the instance to that site then finds it staged and sends only what changed since.
   */
  @Override
  public Future<Prestaged> prestage(PrestageRequested request) {
    if (handoffRunning(request.instanceId())) {
      return Future.failedFuture("a handoff of " + request.instanceId() + " is running at " + site.siteId());
    }
    long start = System.nanoTime();
    return linkTo(request.targetSite())
        .compose(link -> site.handoff().ahead(request.instanceId(), link, true))
        .map(report -> new Prestaged(request.prestageId(), request.targetSite(), CONTAINER_ARTIFACT, report.preBytes(),
            (System.nanoTime() - start) / 1_000));
  }

  /**
   * Nothing to open: a container pre-stage reaches the target's container endpoint directly, which keeps
   * what it staged by instance until a handoff or a cancellation uses it.
   */
  @Override
  public Future<Void> openPrestage(PrestageRequested request) {
    return Future.succeededFuture();
  }

  /** The target's endpoint marked the pre-stage held as its last request ended; nothing more to record. */
  @Override
  public void prestageCompleted(Prestaged done) {
  }

  /** The source owns what it staged: it forgets it and has the target remove the prepared container. */
  @Override
  public void prestageCancelled(PrestageCancelled cancelled) {
    if (!cancelled.sourceSite().equals(site.siteId()) || handoffRunning(cancelled.instanceId())) {
      return;
    }
    site.handoff().forgetStaged(cancelled.instanceId());
    linkTo(cancelled.targetSite())
        .compose(link -> link.call(Instance.newBuilder().setInstanceId(cancelled.instanceId()).build(), link.target()::discard))
        .onFailure(e -> LOG.warn("pre-staged container of {} at {} not removed: {}", cancelled.instanceId(),
            cancelled.targetSite(), e.getMessage()));
  }

  private boolean handoffRunning(String instanceId) {
    return sources.values().stream().anyMatch(run -> run.request().instanceId().equals(instanceId));
  }

  /** The source's run of a handoff, with its link to the target's container endpoint (looked up once). */
  private Future<SourceRun> source(HandoffRequested request) {
    SourceRun open = sources.get(request.handoffId());
    if (open != null) {
      return Future.succeededFuture(open);
    }
    return linkTo(request.targetSite())
        .map(link -> sources.computeIfAbsent(request.handoffId(), id -> new SourceRun(request, link)));
  }

  private Future<ContainerLink> linkTo(String targetSite) {
    return linkTo(targetSite, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANNOUNCE_WAIT_MILLIS));
  }

  /**
   * A site announces its endpoint in a cluster map as it starts; one that joined a moment ago may
   * not be readable there yet (its entry still merging in as the cluster settles), so an absent
   * entry is looked up again for a few seconds before the handoff fails.
   */
  private Future<ContainerLink> linkTo(String targetSite, long giveUpNanos) {
    return site.runtime().vertx().sharedData().<String, JsonObject>getAsyncMap(ContainerControl.SITES_MAP)
        .compose(map -> map.get(targetSite))
        .compose(endpoint -> {
          if (endpoint != null) {
            return site.linkTo(targetSite, endpoint.getString("host"), endpoint.getInteger("port"));
          }
          if (System.nanoTime() >= giveUpNanos) {
            return Future.failedFuture("site " + targetSite + " runs no container transfer endpoint");
          }
          Promise<ContainerLink> later = Promise.promise();
          site.runtime().vertx().setTimer(ANNOUNCE_RETRY_MILLIS, id -> linkTo(targetSite, giveUpNanos).onComplete(later));
          return later.future();
        });
  }

  private Future<AsyncMap<String, String>> instances() {
    return site.runtime().vertx().sharedData().getAsyncMap(ContainerControl.INSTANCES_MAP);
  }
}
