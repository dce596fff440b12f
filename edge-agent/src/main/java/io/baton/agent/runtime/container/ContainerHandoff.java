package io.baton.agent.runtime.container;

import com.google.protobuf.ByteString;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.container.ContainerRuntime.ContainerInstance;
import io.baton.protocol.grpc.Checkpoint;
import io.baton.protocol.grpc.ContainerSpec;
import io.baton.protocol.grpc.FileRef;
import io.baton.protocol.grpc.FileTree;
import io.baton.protocol.grpc.ImageArchive;
import io.baton.protocol.grpc.ImageQuery;
import io.baton.protocol.grpc.Instance;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Seed 002's stages for moving a container from this site to another site's engine, which the
 * broker's saga runs one step at a time ({@link ContainerSagaHandoff}). Ahead of the freeze
 * ({@link #ahead}, or {@link #prestage} for the predictor): the image layers the target lacks, the
 * target container (created, not started) and, unless cold, the writable layer and leave-running
 * checkpoints. The freeze ({@link #freezeForHandoff}): the final checkpoint. Then
 * ({@link #transferStaged}) only what changed: writable-layer files and memory pages whose hashes
 * the target does not hold, sent as a delta against the pre-staged checkpoint; the target rebuilds
 * the full checkpoint and restores it STAGED. Undoing a failed handoff is the saga's abort.
 */
public final class ContainerHandoff {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContainerHandoff.class);
  static final String PRESTAGE_CHECKPOINT = "baton-prestage";
  private static final int MAX_PRESTAGE_ROUNDS = 3;
  /** A pre-staging round that sent less than this leaves too little for another round to win. */
  private static final long SMALL_ROUND_BYTES = 1_000_000;

  private final ContainerRuntime runtime;
  /**
   * Where this site's lazy checkpoints serve their pages: loopback, since only this site's
   * {@link PageRelay} connects to them and carries the pages over the plane.
   */
  private static final String PAGE_HOST = "127.0.0.1";
  private final PageRelay relay;
  private final Map<String, Prestaged> prestaged = new ConcurrentHashMap<>();
  /** Where the frozen instance's pages are relayed from (this site's plane, host:port), for a post-copy handoff's restore request. */
  private final Map<String, String> lazySources = new ConcurrentHashMap<>();
  /** Instances whose lazy checkpoint names pages as in the pre-staged parent (a hybrid freeze). */
  private final Set<String> parentPages = ConcurrentHashMap.newKeySet();

  /** What the target already holds for an instance: where, and the pre-staged checkpoint's files. */
  private record Prestaged(ContainerLink link, String checkpointName, Map<String, FileRef> checkpoint) {
    String toSite() {
      return link.toSite();
    }
  }

  public ContainerHandoff(ContainerRuntime runtime, PageRelay relay) {
    this.runtime = runtime;
    this.relay = relay;
  }

  /** Sends layers, container, writable layer and a leave-running checkpoint ahead; the service keeps running. */
  public Future<HandoffReport> prestage(String instanceId, ContainerLink link) {
    ContainerInstance instance = live(instanceId);
    if (instance == null) {
      return Future.failedFuture(instanceId + " is not live at " + runtime.siteId());
    }
    Timeline timeline = new Timeline(link);
    return timeline.phase("layers", () -> sendLayers(instance, link))
        .compose(v -> timeline.phase("prepare", () -> prepare(instance, link)))
        .compose(v -> timeline.phase("layer-pre", () -> syncLayer(instance, link, true)))
        .compose(v -> timeline.phase("memory-pre", () -> prestageMemory(instance, link, 1, null)))
        .map(v -> timeline.report(instance, "prestage"));
  }

  private Future<Void> checkpointAndStop(ContainerInstance instance) {
    return worker(() -> runtime.exclusive(instance.spec().instanceId(), () -> {
      dropCheckpoint(instance, ContainerRuntime.FROZEN_CHECKPOINT);
      runtime.engine().checkpoint(instance.containerId(), ContainerRuntime.FROZEN_CHECKPOINT, true);
      runtime.markFrozen(instance.spec().instanceId());
      return null;
    }));
  }

  /**
   * The saga's pre-copy step, while the service runs: nothing if this target already holds a
   * pre-staged copy; else the layers and the target container (cold), or a full pre-stage.
   */
  public Future<HandoffReport> ahead(String instanceId, ContainerLink link, boolean prestage) {
    ContainerInstance instance = live(instanceId);
    if (instance == null) {
      return Future.failedFuture(instanceId + " is not live at " + runtime.siteId());
    }
    Prestaged staged = prestaged.get(instanceId);
    if (staged != null && staged.toSite().equals(link.toSite())) {
      return Future.succeededFuture(new Timeline(link).report(instance, "prestaged-earlier"));
    }
    if (staged != null) {
      prestaged.remove(instanceId);
      dropKeptPrestage(instance, staged);
      staged.link().call(Instance.newBuilder().setInstanceId(instanceId).build(), staged.link().target()::discard);
    }
    if (prestage) {
      return prestage(instanceId, link);
    }
    Timeline timeline = new Timeline(link);
    return timeline.phase("layers", () -> sendLayers(instance, link))
        .compose(v -> timeline.phase("prepare", () -> prepare(instance, link)))
        .map(v -> timeline.report(instance, "cold-ahead"));
  }

  /** Forgets that an instance was pre-staged anywhere (its handoff ended, or the target dropped the copy). */
  public void forgetStaged(String instanceId) {
    Prestaged staged = prestaged.remove(instanceId);
    lazySources.remove(instanceId);
    parentPages.remove(instanceId);
    if (staged != null) {
      runtime.instance(instanceId).ifPresent(instance -> runtime.vertx().executeBlocking(() -> {
        dropKeptPrestage(instance, staged);
        return null;
      }, false));
    }
  }

  /**
   * An engine that can run hybrid handoffs keeps the last pre-staged checkpoint here too: its
   * pages are what the frozen memory is compared with ({@link PostCopyEngine#referToParent}).
   */
  private boolean keepsPrestage() {
    return runtime.engine() instanceof PostCopyEngine;
  }

  private void dropKeptPrestage(ContainerInstance instance, Prestaged staged) {
    if (keepsPrestage()) {
      dropCheckpoint(instance, staged.checkpointName());
    }
  }

  /**
   * The saga's freeze step: the final checkpoint. Post-copy, on an engine that can
   * ({@link PostCopyEngine}), the checkpoint holds all but the memory and the container stays
   * frozen here, its pages served to the target's lazy restore; if the instance was pre-staged at
   * {@code toSite}, the pages that still equal the pre-staged ones are marked as in it (hybrid) and
   * only the rest will cross. Returns the checkpoint's size in bytes (without the memory that stays
   * behind).
   */
  public Future<Long> freezeForHandoff(String instanceId, String toSite, boolean postCopy) {
    ContainerInstance instance = live(instanceId);
    if (instance == null) {
      return Future.failedFuture(instanceId + " is not live at " + runtime.siteId());
    }
    Future<Void> frozen = postCopy && runtime.engine() instanceof PostCopyEngine lazy
        ? checkpointLazily(instance, lazy, stagedAt(instanceId, toSite)) : checkpointAndStop(instance);
    return frozen.compose(v -> worker(() -> directoryBytes(
        runtime.engine().checkpointDir(instance.containerId(), ContainerRuntime.FROZEN_CHECKPOINT))));
  }

  private Prestaged stagedAt(String instanceId, String toSite) {
    Prestaged staged = prestaged.get(instanceId);
    return staged != null && staged.toSite().equals(toSite) ? staged : null;
  }

  private Future<Void> checkpointLazily(ContainerInstance instance, PostCopyEngine engine, Prestaged staged) {
    String instanceId = instance.spec().instanceId();
    parentPages.remove(instanceId);
    return worker(() -> runtime.exclusive(instanceId, () -> {
      dropCheckpoint(instance, ContainerRuntime.FROZEN_CHECKPOINT);
      int port = freePort(PAGE_HOST);
      PostCopyEngine.LazyPages pages = engine.checkpointLazily(instance.containerId(), ContainerRuntime.FROZEN_CHECKPOINT,
          PAGE_HOST, port);
      relay.serve(instanceId, io.vertx.core.net.SocketAddress.inetSocketAddress(port, PAGE_HOST));
      lazySources.put(instanceId, relay.endpoint());
      runtime.markFrozenServingPages(instanceId, pages.closingAlso(() -> relay.forget(instanceId)));
      if (staged != null) {
        referToParent(instance, engine, staged);
      }
      return null;
    }));
  }

  /**
   * A comparison that fails leaves the handoff post-copy: every page is still served lazily. (A
   * pagemap rewritten before a later one failed to be would name a parent the target is not told
   * of: its restore fails, and the handoff aborts with the source resuming.)
   */
  private void referToParent(ContainerInstance instance, PostCopyEngine engine, Prestaged staged) {
    try {
      PostCopyEngine.ParentPages marked = engine.referToParent(instance.containerId(), ContainerRuntime.FROZEN_CHECKPOINT,
          staged.checkpointName());
      if (marked.inParent() > 0) {
        parentPages.add(instance.spec().instanceId());
      }
    } catch (RuntimeException failed) {
      LOG.warn("{}: pages not compared with the pre-staged checkpoint, all cross post-copy: {}",
          instance.spec().instanceId(), failed.getMessage());
    }
  }

  /** A port free on {@code host} now, for a page server about to listen there. */
  private static int freePort(String host) throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  /** What the saga's transfer step sent, and the digest of the restore request that names the state. */
  public record StagedTransfer(HandoffReport report, String digest) {
  }

  /**
   * The saga's transfer step, frozen: the writable layer's changes and the final checkpoint's
   * missing pages; the target rebuilds the checkpoint and restores the container STAGED (running,
   * not serving) until its commit. Nothing is undone here on failure: the saga's abort resumes
   * this site and makes the target drop its container.
   */
  public Future<StagedTransfer> transferStaged(String instanceId, ContainerLink link) {
    ContainerInstance instance = runtime.instance(instanceId).filter(i -> i.state() == InstanceState.FROZEN).orElse(null);
    if (instance == null) {
      return Future.failedFuture(instanceId + " is not frozen at " + runtime.siteId());
    }
    Prestaged ahead = prestaged.remove(instanceId);
    if (ahead != null) {
      // What the freeze compared with is no longer needed here, whatever this transfer's outcome.
      worker(() -> {
        dropKeptPrestage(instance, ahead);
        return null;
      });
    }
    boolean warm = ahead != null && ahead.toSite().equals(link.toSite());
    Timeline timeline = new Timeline(link);
    String lazySource = lazySources.remove(instanceId);
    boolean hybrid = parentPages.remove(instanceId);
    String[] digest = new String[1];
    return timeline.phase("state", () -> finalState(instance, link, warm ? ahead : null, timeline))
        .compose(checkpoint -> {
          Checkpoint.Builder request = withReplies(instance, checkpoint).toBuilder().setStaged(true);
          if (lazySource != null) {
            request.setLazyPagesFrom(lazySource).setLazyPagesSite(runtime.siteId());
            request.setParentPages(hybrid && warm);
          }
          Checkpoint staged = request.build();
          digest[0] = io.baton.agent.transfer.Hashes.hex(io.baton.agent.transfer.Hashes.address(staged.toByteArray()));
          return timeline.phase("restore", () -> link.call(staged, link.target()::restore));
        })
        .map(v -> new StagedTransfer(timeline.report(instance,
            lazySource != null ? (hybrid && warm ? "hybrid" : "post-copy") : warm ? "prestaged" : "cold"), digest[0]));
  }

  private Future<Void> sendLayers(ContainerInstance instance, ContainerLink link) {
    String image = instance.profile().image();
    return link.call(ImageQuery.newBuilder().setImage(image).build(), link.target()::imageLayers)
        .compose(inventory -> worker(() -> {
          List<String> diffIds = runtime.engine().diffIds(image);
          Set<String> held = new HashSet<>(inventory.getChainIdsList());
          if (inventory.getHasImage() && held.containsAll(ImageArchives.chainIds(diffIds))) {
            return null;
          }
          try (InputStream saved = runtime.engine().save(image)) {
            return ImageArchives.missingFiles(saved, diffIds, held);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }))
        .compose(files -> {
          if (files == null) {
            return Future.succeededFuture();
          }
          Map<ByteString, byte[]> chunks = new LinkedHashMap<>();
          ImageArchive.Builder archive = ImageArchive.newBuilder().setImage(image);
          files.forEach((path, content) -> {
            ChunkedFile file = ChunkedFile.of(path, content, ChunkedFile.FILE_CHUNK);
            chunks.putAll(file.chunks());
            archive.addFiles(file.ref());
          });
          return link.ship(instance.spec().instanceId(), chunks, true)
              .compose(v -> link.call(archive.build(), link.target()::loadImage)).mapEmpty();
        });
  }

  private Future<Void> prepare(ContainerInstance instance, ContainerLink link) {
    ContainerProfile profile = instance.profile();
    ContainerSpec spec = ContainerSpec.newBuilder().setInstanceId(instance.spec().instanceId()).setImage(profile.image())
        .addAllCmd(profile.cmd()).setCpus(profile.cpus()).setMemoryMb(profile.memoryMb()).addAllQuery(profile.queryCmd())
        .setPort(profile.port()).setClientId(instance.spec().clientId()).setEpoch(instance.spec().epoch() + 1).build();
    return link.call(spec, link.target()::prepare).mapEmpty();
  }

  private Future<Void> syncLayer(ContainerInstance instance, ContainerLink link, boolean askFirst) {
    return worker(() -> WritableLayer.scan(runtime.engine().upperDir(instance.containerId())))
        .compose(scan -> link.ship(instance.spec().instanceId(), scan.chunks(), askFirst)
            .compose(v -> link.call(FileTree.newBuilder().setInstanceId(instance.spec().instanceId())
                .addAllEntries(scan.entries()).build(), link.target()::syncLayer)))
        .mapEmpty();
  }

  /**
   * Leave-running checkpoints shipped ahead, in rounds: the first sends everything the target
   * lacks, each next one only the pages dirtied while the previous crossed, until a round is small.
   */
  private Future<Void> prestageMemory(ContainerInstance instance, ContainerLink link, int round, Map<String, FileRef> previous) {
    String name = PRESTAGE_CHECKPOINT + "-" + round;
    long bytesBefore = link.bytesSent();
    return worker(() -> {
      dropCheckpoint(instance, name);
      runtime.exclusive(instance.spec().instanceId(), () -> {
        runtime.engine().checkpoint(instance.containerId(), name, false);
        return null;
      });
      try {
        return readCheckpoint(runtime.engine().checkpointDir(instance.containerId(), name));
      } finally {
        if (!keepsPrestage()) {
          dropCheckpoint(instance, name);
        }
      }
    }).compose(files -> {
      Checkpoint.Builder checkpoint = Checkpoint.newBuilder().setInstanceId(instance.spec().instanceId()).setName(name)
          .setRestore(false).setBase(previous == null ? "" : PRESTAGE_CHECKPOINT + "-" + (round - 1));
      Map<ByteString, byte[]> chunks = new LinkedHashMap<>();
      Map<String, FileRef> refs = new LinkedHashMap<>();
      for (ChunkedFile file : files) {
        refs.put(file.ref().getPath(), file.ref());
        FileRef sent = previous == null ? file.ref() : file.deltaAgainst(previous.get(file.ref().getPath()));
        checkpoint.addFiles(sent);
        sent.getChunksList().forEach(address -> chunks.put(address, file.chunks().get(address)));
      }
      return link.ship(instance.spec().instanceId(), chunks, true)
          .compose(v -> link.call(checkpoint.build(), link.target()::restore))
          .compose(v -> {
            Prestaged earlier = prestaged.put(instance.spec().instanceId(), new Prestaged(link, name, refs));
            if (earlier != null && !earlier.checkpointName().equals(name)) {
              worker(() -> {
                dropKeptPrestage(instance, earlier);
                return null;
              });
            }
            boolean small = link.bytesSent() - bytesBefore < SMALL_ROUND_BYTES;
            return small || round >= MAX_PRESTAGE_ROUNDS ? Future.succeededFuture()
                : prestageMemory(instance, link, round + 1, refs);
          });
    });
  }

  /** The restore request carries the container's answered calls: they move with it. */
  private Checkpoint withReplies(ContainerInstance instance, Checkpoint checkpoint) {
    return checkpoint.toBuilder().setReplies(runtime.repliesOf(instance.spec().instanceId()).encode()).build();
  }

  /**
   * Ships what the target lacks of the frozen container's writable layer and final checkpoint, in
   * one chunk stream (asking first only if a pre-stage may have sent some); returns the restore
   * request that applies the layer and rebuilds the checkpoint there. Inside the downtime, every
   * round trip saved counts.
   */
  private Future<Checkpoint> finalState(ContainerInstance instance, ContainerLink link, Prestaged ahead, Timeline timeline) {
    Map<String, FileRef> base = ahead == null ? null : ahead.checkpoint();
    return worker(() -> new FrozenState(WritableLayer.scan(runtime.engine().upperDir(instance.containerId())),
        readCheckpoint(runtime.engine().checkpointDir(instance.containerId(), ContainerRuntime.FROZEN_CHECKPOINT))))
        .compose(frozen -> {
          Checkpoint.Builder checkpoint = Checkpoint.newBuilder().setInstanceId(instance.spec().instanceId())
              .setName(ContainerRuntime.FROZEN_CHECKPOINT).setRestore(true)
              .setLayer(FileTree.newBuilder().setInstanceId(instance.spec().instanceId()).addAllEntries(frozen.layer().entries()));
          Map<ByteString, byte[]> chunks = new LinkedHashMap<>(frozen.layer().chunks());
          long size = 0;
          for (ChunkedFile file : frozen.checkpoint()) {
            size += file.ref().getSize();
            FileRef sent = base == null ? file.ref() : file.deltaAgainst(base.get(file.ref().getPath()));
            checkpoint.addFiles(sent);
            sent.getChunksList().forEach(address -> chunks.put(address, file.chunks().get(address)));
          }
          if (ahead != null) {
            checkpoint.setBase(ahead.checkpointName());
          }
          timeline.checkpointBytes = size;
          return link.ship(instance.spec().instanceId(), chunks, base != null).map(v -> checkpoint.build());
        });
  }

  private record FrozenState(WritableLayer.Scan layer, List<ChunkedFile> checkpoint) {
  }

  static List<ChunkedFile> readCheckpoint(Path dir) {
    List<ChunkedFile> files = new ArrayList<>();
    try (Stream<Path> listing = Files.list(dir)) {
      for (Path path : (Iterable<Path>) listing.sorted()::iterator) {
        if (Files.isRegularFile(path)) {
          String name = path.getFileName().toString();
          files.add(ChunkedFile.of(name, Files.readAllBytes(path), ChunkedFile.chunkSizeFor(name)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading checkpoint " + dir, e);
    }
    return files;
  }

  private static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      long total = 0;
      for (Path file : (Iterable<Path>) listing::iterator) {
        total += Files.size(file);
      }
      return total;
    }
  }

  private void dropCheckpoint(ContainerInstance instance, String name) {
    try {
      runtime.engine().deleteCheckpoint(instance.containerId(), name);
    } catch (RuntimeException absent) {
      // Nothing to drop: the usual case.
    }
  }

  private ContainerInstance live(String instanceId) {
    return runtime.instance(instanceId).filter(i -> i.state() == InstanceState.LIVE).orElse(null);
  }

  private <T> Future<T> worker(Callable<T> work) {
    return runtime.vertx().executeBlocking(work, false);
  }

  /** The phases of one handoff as they run, with the bytes each put on the link. */
  private final class Timeline {
    private final ContainerLink link;
    private final long startNanos = System.nanoTime();
    private final long startBytes;
    private final List<HandoffReport.Phase> phases = new ArrayList<>();
    private long checkpointBytes;

    Timeline(ContainerLink link) {
      this.link = link;
      this.startBytes = link.bytesSent();
    }

    <T> Future<T> phase(String name, Callable<Future<T>> step) {
      long start = System.nanoTime();
      long bytes = link.bytesSent();
      Future<T> running;
      try {
        running = step.call();
      } catch (Exception e) {
        running = Future.failedFuture(e);
      }
      return running.andThen(done -> phases.add(
          new HandoffReport.Phase(name, (System.nanoTime() - start) / 1_000, link.bytesSent() - bytes)));
    }

    HandoffReport report(ContainerInstance instance, String method) {
      long sent = link.bytesSent() - startBytes;
      boolean ahead = method.equals("prestage");
      return new HandoffReport(instance.spec().instanceId(), runtime.siteId(), link.toSite(), method, List.copyOf(phases),
          ahead ? sent : 0, ahead ? 0 : sent, checkpointBytes, (System.nanoTime() - startNanos) / 1_000);
    }
  }
}
