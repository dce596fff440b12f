package io.baton.agent.runtime.container;

import io.baton.agent.transfer.TransferManifests;
import com.google.protobuf.Message;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.Hashes;
import io.baton.protocol.grpc.Checkpoint;
import io.baton.protocol.grpc.ContainerSpec;
import io.baton.protocol.grpc.Done;
import io.baton.protocol.grpc.TransferGrpcService;
import io.baton.protocol.grpc.FileRef;
import io.baton.protocol.grpc.FileTree;
import io.baton.protocol.grpc.ImageArchive;
import io.baton.protocol.grpc.ImageQuery;
import io.baton.protocol.grpc.Instance;
import io.baton.protocol.grpc.LayerInventory;
import io.baton.protocol.grpc.Prepared;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.vertx.core.net.SocketAddress;

/**
 * The target side of container handoffs at this site: keeps every verified chunk in the site's
 * {@link ChunkStore}, loads missing image layers, creates the target container ahead of the
 * freeze, mirrors the writable layer and rebuilds checkpoints (full, or a delta against the
 * pre-staged one) in the container's checkpoints dir before starting it from there. Engine and
 * file work runs on worker threads. A site with member credentials loads, applies and restores
 * only what a cluster member signed as the site it sends from ({@link TransferManifests}).
 */
public final class ContainerTransferEndpoint extends TransferGrpcService {
  private final ContainerRuntime runtime;
  private final ChunkStore store;
  private final Optional<MemberCredentials> credentials;
  /** Carries a post-copy restore's page traffic to the source over the plane. */
  private final PageRelay relay;
  private final Map<String, TargetContainer> containers = new ConcurrentHashMap<>();
  /** Digests of the restore requests that left a container STAGED here, by instance: what the saga's commit checks. */
  private final Map<String, String> stagedDigests = new ConcurrentHashMap<>();
  /** Post-copy restores whose pages are still crossing, by instance: what the saga's AWAIT_PAGES waits for. */
  private final Map<String, PostCopyEngine.LazyPages> lazyRestores = new ConcurrentHashMap<>();

  /** A container prepared here for an incoming instance, with the checkpoints received for it. */
  private record TargetContainer(InstanceSpec spec, String containerId, Map<String, Map<String, FileRef>> checkpoints) {
  }

  public ContainerTransferEndpoint(ContainerRuntime runtime, ChunkStore store, Optional<MemberCredentials> credentials,
      PageRelay relay) {
    this.runtime = runtime;
    this.relay = relay;
    this.store = store;
    this.credentials = credentials;
  }

  @Override
  public Future<LayerInventory> imageLayers(ImageQuery request) {
    return blocking(() -> LayerInventory.newBuilder().addAllChainIds(runtime.engine().chainIds())
        .setHasImage(runtime.engine().hasImage(request.getImage())).build());
  }

  @Override
  public Future<Done> loadImage(ImageArchive request) {
    Optional<StatusException> refused = refusal(request);
    if (refused.isPresent()) {
      return Future.failedFuture(refused.get());
    }
    return timed(() -> {
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (FileRef file : request.getFilesList()) {
        files.put(file.getPath(), ChunkedFile.assemble(file, store));
      }
      ByteArrayOutputStream archive = new ByteArrayOutputStream();
      ImageArchives.writeArchive(files, archive);
      runtime.engine().load(new java.io.ByteArrayInputStream(archive.toByteArray()));
      if (!runtime.engine().hasImage(request.getImage())) {
        throw new IllegalStateException("image " + request.getImage() + " is not on " + runtime.siteId() + " after loading");
      }
    });
  }

  @Override
  public Future<Prepared> prepare(ContainerSpec request) {
    if (containers.containsKey(request.getInstanceId()) || runtime.state(request.getInstanceId()).isPresent()) {
      return Future.failedFuture("instance " + request.getInstanceId() + " already exists at " + runtime.siteId());
    }
    ContainerProfile profile = new ContainerProfile(request.getImage(), request.getCmdList(), request.getCpus(),
        request.getMemoryMb(), request.getQueryList(), request.getPort());
    InstanceSpec spec = new InstanceSpec(request.getInstanceId(), request.getClientId(), ContainerProfile.KIND,
        request.getEpoch(), profile.toOptions());
    return blocking(() -> runtime.engine().create(ContainerRuntime.containerName(request.getInstanceId()),
        runtime.localProfile(profile))).map(containerId -> {
          containers.put(request.getInstanceId(), new TargetContainer(spec, containerId, new ConcurrentHashMap<>()));
          return Prepared.newBuilder().setContainerId(containerId).build();
        });
  }

  @Override
  public Future<Done> syncLayer(FileTree request) {
    Optional<StatusException> refused = refusal(request);
    if (refused.isPresent()) {
      return Future.failedFuture(refused.get());
    }
    TargetContainer target = containers.get(request.getInstanceId());
    if (target == null) {
      return Future.failedFuture("no container prepared for " + request.getInstanceId() + " at " + runtime.siteId());
    }
    return timed(() -> WritableLayer.apply(request, runtime.engine().upperDir(target.containerId()), store));
  }

  @Override
  public Future<Done> restore(Checkpoint request) {
    Optional<StatusException> refused = refusal(request);
    if (refused.isPresent()) {
      return Future.failedFuture(refused.get());
    }
    if (request.getParentPages() && (request.getBase().isEmpty() || request.getLazyPagesFrom().isEmpty())) {
      return Future.failedFuture("the restore of " + request.getInstanceId() + " refers pages to a parent but names no base"
          + " checkpoint or no lazy source");
    }
    TargetContainer target = containers.get(request.getInstanceId());
    if (target == null) {
      return Future.failedFuture("no container prepared for " + request.getInstanceId() + " at " + runtime.siteId());
    }
    if (request.hasLayer() && !request.getLayer().getInstanceId().equals(request.getInstanceId())) {
      return Future.failedFuture("the layer of " + request.getLayer().getInstanceId() + " in the restore of " + request.getInstanceId());
    }
    return timed(() -> {
      if (request.hasLayer()) {
        WritableLayer.apply(request.getLayer(), runtime.engine().upperDir(target.containerId()), store);
      }
      Map<String, FileRef> base = request.getBase().isEmpty() ? Map.of() : target.checkpoints().get(request.getBase());
      if (base == null) {
        throw new IllegalStateException("no checkpoint " + request.getBase() + " of " + request.getInstanceId() + " here");
      }
      Map<String, FileRef> files = new LinkedHashMap<>();
      for (FileRef file : request.getFilesList()) {
        files.put(file.getPath(), ChunkedFile.resolve(file, base.get(file.getPath())));
      }
      target.checkpoints().put(request.getName(), files);
      Path dir = runtime.engine().checkpointDir(target.containerId(), request.getName());
      if (request.getBase().isEmpty()) {
        CheckpointFiles.write(dir, files.values(), store);
      } else if (request.getParentPages()) {
        Path baseDir = runtime.engine().checkpointDir(target.containerId(), request.getBase());
        CheckpointFiles.patchBeside(baseDir, dir, request.getFilesList(), files, store);
        linkParent(dir, baseDir);
      } else {
        CheckpointFiles.patch(runtime.engine().checkpointDir(target.containerId(), request.getBase()), dir,
            request.getFilesList(), files, store);
      }
      if (request.getRestore()) {
        try {
          if (request.getLazyPagesFrom().isEmpty()) {
            runtime.engine().startFromCheckpoint(target.containerId(), request.getName());
          } else {
            lazyRestores.put(request.getInstanceId(), startLazily(target, request));
          }
          // The restored process must have survived its first moments before anyone is sent here.
          if (!runtime.engine().running(target.containerId())) {
            throw new IllegalStateException("restored container of " + request.getInstanceId() + " is not running at "
                + runtime.siteId());
          }
        } catch (RuntimeException failed) {
          // A half-made container (a restore that failed or hung past its deadline) never stays:
          // the source resumes, and nothing of this instance is left here.
          containers.remove(request.getInstanceId(), target);
          closeLazyRestore(request.getInstanceId());
          try {
            runtime.engine().remove(target.containerId());
          } catch (RuntimeException notRemoved) {
            failed.addSuppressed(notRemoved);
          }
          throw failed;
        }
        JsonObject replies = request.getReplies().isEmpty() ? new JsonObject() : new JsonObject(request.getReplies());
        if (request.getStaged()) {
          runtime.adoptStaged(target.spec(), target.containerId(), replies);
          stagedDigests.put(request.getInstanceId(), Hashes.hex(Hashes.address(TransferManifests.unsigned(request).toByteArray())));
        } else {
          runtime.adopt(target.spec(), target.containerId(), replies);
        }
        containers.remove(request.getInstanceId());
      }
    });
  }

  /**
   * CRIU finds a checkpoint's parent images through a {@code parent} link in its directory; a
   * relative one, so the pair can be moved together.
   */
  private static void linkParent(Path dir, Path parentDir) {
    if (!Files.isDirectory(parentDir) || !parentDir.getParent().equals(dir.getParent())) {
      throw new IllegalStateException("no parent checkpoint " + parentDir + " beside " + dir);
    }
    try {
      Files.createSymbolicLink(dir.resolve("parent"), Path.of("..", parentDir.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("linking " + dir + " to its parent " + parentDir, e);
    }
  }

  /**
   * A post-copy restore: at once, the memory faulted in from the source's lazy page server, its
   * daemon's connection relayed over the plane to the source's.
   */
  private PostCopyEngine.LazyPages startLazily(TargetContainer target, Checkpoint request) {
    if (!(runtime.engine() instanceof PostCopyEngine engine)) {
      throw new IllegalStateException(runtime.siteId() + " runs " + runtime.name() + ", which cannot restore post-copy");
    }
    String instanceId = request.getInstanceId();
    SocketAddress relayed;
    try {
      relayed = relay.open(instanceId, request.getLazyPagesSite(), request.getLazyPagesFrom())
          .toCompletionStage().toCompletableFuture().get(PageRelay.CONNECT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException failed) {
      relay.close(instanceId);
      throw new IllegalStateException("no page relay for " + instanceId + " at " + runtime.siteId() + ": "
          + failed.getCause().getMessage(), failed.getCause());
    } catch (TimeoutException | InterruptedException failed) {
      relay.close(instanceId);
      throw new IllegalStateException("no page relay for " + instanceId + " at " + runtime.siteId() + " within "
          + PageRelay.CONNECT_DEADLINE.toSeconds() + " s", failed);
    }
    try {
      return engine.startFromLazySource(target.containerId(), request.getName(), relayed.host(), relayed.port())
          .closingAlso(() -> relay.close(instanceId));
    } catch (RuntimeException failed) {
      relay.close(instanceId);
      throw failed;
    }
  }

  /**
   * The pages of a post-copy restore here, still crossing or done; empty for a restore that
   * brought all of its memory. The caller takes them: awaiting them is the saga's AWAIT_PAGES.
   */
  public Optional<PostCopyEngine.LazyPages> takeLazyRestore(String instanceId) {
    return Optional.ofNullable(lazyRestores.remove(instanceId));
  }

  private void closeLazyRestore(String instanceId) {
    PostCopyEngine.LazyPages pages = lazyRestores.remove(instanceId);
    if (pages != null) {
      pages.close();
    }
  }

  /** PERMISSION_DENIED with the reason when this site refuses the request (unsigned, tampered, signed by someone else). */
  private Optional<StatusException> refusal(Message request) {
    if (credentials.isEmpty()) {
      return Optional.empty();
    }
    try {
      TransferManifests.verify(request, credentials.get().clusterAnchors(), runtime.siteId());
      return Optional.empty();
    } catch (SecurityException e) {
      return Optional.of(new StatusException(GrpcStatus.PERMISSION_DENIED,
          runtime.siteId() + " refuses the transfer: " + e.getMessage()));
    }
  }

  /** The digest of the restore request that left the instance STAGED here, if one did. */
  public Optional<String> stagedDigest(String instanceId) {
    return Optional.ofNullable(stagedDigests.get(instanceId));
  }

  /** The instance was committed or dropped: its staged restore is no longer pending. */
  public void forgetStaged(String instanceId) {
    stagedDigests.remove(instanceId);
  }

  /** Bytes of the largest checkpoint pre-staged here for an instance whose container is prepared (0: none). */
  public long prestagedBytes(String instanceId) {
    TargetContainer target = containers.get(instanceId);
    return target == null ? 0 : target.checkpoints().values().stream()
        .mapToLong(files -> files.values().stream().mapToLong(FileRef::getSize).sum()).max().orElse(0);
  }

  @Override
  public Future<Done> discard(Instance request) {
    stagedDigests.remove(request.getInstanceId());
    closeLazyRestore(request.getInstanceId());
    TargetContainer target = containers.remove(request.getInstanceId());
    if (target == null) {
      return Future.succeededFuture(Done.getDefaultInstance());
    }
    return timed(() -> runtime.engine().remove(target.containerId()));
  }

  /** What this endpoint holds, for tests and the operator. */
  public JsonObject describe() {
    return new JsonObject().put("site", runtime.siteId()).put("chunks", store.size()).put("heldBytes", store.heldBytes())
        .put("prepared", new JsonArray(containers.keySet().stream().sorted().toList()));
  }

  private Future<Done> timed(Runnable work) {
    long start = System.nanoTime();
    return blocking(() -> {
      work.run();
      return Done.newBuilder().setMicros((System.nanoTime() - start) / 1_000).build();
    });
  }

  /**
   * Engine work on a worker thread. A failure goes back to the source as a status with this
   * site's reason (a gRPC server would otherwise answer UNKNOWN with no message), so the source's
   * abort says what failed here.
   */
  private <T> Future<T> blocking(Callable<T> work) {
    return runtime.vertx().executeBlocking(work, false).recover(failed -> Future.failedFuture(failed instanceof StatusException
        ? failed
        : new StatusException(failed instanceof EngineDeadlines.EngineDeadlineException ? GrpcStatus.DEADLINE_EXCEEDED
            : GrpcStatus.INTERNAL, runtime.siteId() + ": " + failed.getMessage())));
  }
}
