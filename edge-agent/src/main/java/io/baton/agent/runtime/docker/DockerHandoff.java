package io.baton.agent.runtime.docker;

import com.google.protobuf.ByteString;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.docker.DockerRuntime.DockerInstance;
import io.baton.protocol.grpc.docker.Checkpoint;
import io.baton.protocol.grpc.docker.ContainerSpec;
import io.baton.protocol.grpc.docker.FileRef;
import io.baton.protocol.grpc.docker.FileTree;
import io.baton.protocol.grpc.docker.ImageArchive;
import io.baton.protocol.grpc.docker.ImageQuery;
import io.baton.protocol.grpc.docker.Instance;
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
 * Moves a container from this site to another site's engine, seed 002's way. Ahead of the
 * handoff ({@link #prestage}): the image layers the target lacks, the target container (created,
 * not started), the writable layer and a leave-running checkpoint. At the handoff: the final
 * checkpoint (the freeze), then only what changed: writable-layer files and memory pages whose
 * hashes the target does not hold, sent as a delta against the pre-staged checkpoint; the target
 * rebuilds the full checkpoint and restores. Without pre-staging ({@code cold}) all of it happens
 * after the request. If the target's restore fails, this site resumes from its own final
 * checkpoint and keeps serving.
 */
public final class DockerHandoff {
  static final String PRESTAGE_CHECKPOINT = "baton-prestage";

  private final DockerRuntime runtime;
  private final Map<String, Prestaged> prestaged = new ConcurrentHashMap<>();

  /** What the target already holds for an instance: where, and the pre-staged checkpoint's files. */
  private record Prestaged(String toSite, Map<String, FileRef> checkpoint) {
  }

  public DockerHandoff(DockerRuntime runtime) {
    this.runtime = runtime;
  }

  /** Sends layers, container, writable layer and a leave-running checkpoint ahead; the service keeps running. */
  public Future<HandoffReport> prestage(String instanceId, DockerLink link) {
    DockerInstance instance = live(instanceId);
    if (instance == null) {
      return Future.failedFuture(instanceId + " is not live at " + runtime.siteId());
    }
    Timeline timeline = new Timeline(link);
    return timeline.phase("layers", () -> sendLayers(instance, link))
        .compose(v -> timeline.phase("prepare", () -> prepare(instance, link)))
        .compose(v -> timeline.phase("layer-pre", () -> syncLayer(instance, link, true)))
        .compose(v -> timeline.phase("memory-pre", () -> prestageMemory(instance, link)))
        .map(v -> timeline.report(instance, "prestage", 0, true, null));
  }

  /** The handoff itself: pre-staged when {@link #prestage} ran for this target, else cold. */
  public Future<HandoffReport> handoff(String instanceId, DockerLink link) {
    DockerInstance instance = live(instanceId);
    if (instance == null) {
      return Future.failedFuture(instanceId + " is not live at " + runtime.siteId());
    }
    Prestaged ahead = prestaged.remove(instanceId);
    boolean warm = ahead != null && ahead.toSite().equals(link.toSite());
    Timeline timeline = new Timeline(link);
    Future<Void> ready = warm ? Future.succeededFuture()
        : timeline.phase("layers", () -> sendLayers(instance, link))
            .compose(v -> timeline.phase("prepare", () -> prepare(instance, link)));
    long[] freezeAt = new long[1];
    return ready
        .compose(v -> {
          freezeAt[0] = System.nanoTime();
          return timeline.phase("checkpoint", () -> worker(() -> {
            dropCheckpoint(instance, DockerRuntime.FROZEN_CHECKPOINT);
            runtime.engine().checkpoint(instance.containerId(), DockerRuntime.FROZEN_CHECKPOINT, true);
            runtime.markFrozen(instanceId);
            return null;
          }));
        })
        .compose(v -> timeline.phase("layer-sync", () -> syncLayer(instance, link, warm)))
        .compose(v -> timeline.phase("memory", () -> finalMemory(instance, link, warm ? ahead.checkpoint() : null, timeline)))
        .transform(done -> {
          if (done.succeeded()) {
            long restoredAt = System.nanoTime();
            return runtime.release(instanceId).map(v ->
                timeline.report(instance, warm ? "prestaged" : "cold", restoredAt - freezeAt[0], true, null));
          }
          return rollback(instance, link, timeline, freezeAt[0], warm, done.cause());
        });
  }

  /** The target failed: drop what was staged there, resume here from the final checkpoint. */
  private Future<HandoffReport> rollback(DockerInstance instance, DockerLink link, Timeline timeline, long freezeAt,
      boolean warm, Throwable cause) {
    Future<Void> resumed = runtime.state(instance.spec().instanceId()).orElse(null) == InstanceState.FROZEN
        ? timeline.phase("resume-source", () -> runtime.resumeFrom(instance.spec().instanceId(), DockerRuntime.FROZEN_CHECKPOINT))
        : Future.succeededFuture();
    return resumed
        .compose(v -> link.call(Instance.newBuilder().setInstanceId(instance.spec().instanceId()).build(), link.target()::discard)
            .otherwise((io.baton.protocol.grpc.docker.Done) null).mapEmpty())
        .map(v -> timeline.report(instance, warm ? "prestaged" : "cold", System.nanoTime() - freezeAt, false,
            cause.getMessage()));
  }

  private Future<Void> sendLayers(DockerInstance instance, DockerLink link) {
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

  private Future<Void> prepare(DockerInstance instance, DockerLink link) {
    ContainerProfile profile = instance.profile();
    ContainerSpec spec = ContainerSpec.newBuilder().setInstanceId(instance.spec().instanceId()).setImage(profile.image())
        .addAllCmd(profile.cmd()).setCpus(profile.cpus()).setMemoryMb(profile.memoryMb()).addAllQuery(profile.queryCmd())
        .setClientId(instance.spec().clientId()).setEpoch(instance.spec().epoch() + 1).build();
    return link.call(spec, link.target()::prepare).mapEmpty();
  }

  private Future<Void> syncLayer(DockerInstance instance, DockerLink link, boolean askFirst) {
    return worker(() -> WritableLayer.scan(runtime.engine().upperDir(instance.containerId())))
        .compose(scan -> link.ship(instance.spec().instanceId(), scan.chunks(), askFirst)
            .compose(v -> link.call(FileTree.newBuilder().setInstanceId(instance.spec().instanceId())
                .addAllEntries(scan.entries()).build(), link.target()::syncLayer)))
        .mapEmpty();
  }

  private Future<Void> prestageMemory(DockerInstance instance, DockerLink link) {
    return worker(() -> {
      dropCheckpoint(instance, PRESTAGE_CHECKPOINT);
      runtime.engine().checkpoint(instance.containerId(), PRESTAGE_CHECKPOINT, false);
      try {
        return readCheckpoint(runtime.engine().checkpointDir(instance.containerId(), PRESTAGE_CHECKPOINT));
      } finally {
        dropCheckpoint(instance, PRESTAGE_CHECKPOINT);
      }
    }).compose(files -> {
      Map<ByteString, byte[]> chunks = new LinkedHashMap<>();
      Map<String, FileRef> refs = new LinkedHashMap<>();
      files.forEach(file -> {
        chunks.putAll(file.chunks());
        refs.put(file.ref().getPath(), file.ref());
      });
      Checkpoint base = Checkpoint.newBuilder().setInstanceId(instance.spec().instanceId()).setName(PRESTAGE_CHECKPOINT)
          .addAllFiles(refs.values()).setRestore(false).build();
      return link.ship(instance.spec().instanceId(), chunks, true)
          .compose(v -> link.call(base, link.target()::restore))
          .map(v -> {
            prestaged.put(instance.spec().instanceId(), new Prestaged(link.toSite(), refs));
            return null;
          });
    });
  }

  private Future<Void> finalMemory(DockerInstance instance, DockerLink link, Map<String, FileRef> base, Timeline timeline) {
    return worker(() -> readCheckpoint(runtime.engine().checkpointDir(instance.containerId(), DockerRuntime.FROZEN_CHECKPOINT)))
        .compose(files -> {
          Checkpoint.Builder checkpoint = Checkpoint.newBuilder().setInstanceId(instance.spec().instanceId())
              .setName(DockerRuntime.FROZEN_CHECKPOINT).setRestore(true);
          Map<ByteString, byte[]> chunks = new LinkedHashMap<>();
          long size = 0;
          for (ChunkedFile file : files) {
            size += file.ref().getSize();
            FileRef sent = base == null ? file.ref() : file.deltaAgainst(base.get(file.ref().getPath()));
            checkpoint.addFiles(sent);
            sent.getChunksList().forEach(address -> chunks.put(address, file.chunks().get(address)));
          }
          if (base != null) {
            checkpoint.setBase(PRESTAGE_CHECKPOINT);
          }
          timeline.checkpointBytes = size;
          return link.ship(instance.spec().instanceId(), chunks, base != null)
              .compose(v -> timeline.phase("restore", () -> link.call(checkpoint.build(), link.target()::restore).mapEmpty()));
        });
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

  private void dropCheckpoint(DockerInstance instance, String name) {
    try {
      runtime.engine().deleteCheckpoint(instance.containerId(), name);
    } catch (RuntimeException absent) {
      // Nothing to drop: the usual case.
    }
  }

  private DockerInstance live(String instanceId) {
    return runtime.instance(instanceId).filter(i -> i.state() == InstanceState.LIVE).orElse(null);
  }

  private <T> Future<T> worker(Callable<T> work) {
    return runtime.vertx().executeBlocking(work, false);
  }

  /** The phases of one handoff as they run, with the bytes each put on the link. */
  private final class Timeline {
    private final DockerLink link;
    private final long startNanos = System.nanoTime();
    private final long startBytes;
    private final List<HandoffReport.Phase> phases = new ArrayList<>();
    private long checkpointBytes;

    Timeline(DockerLink link) {
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

    HandoffReport report(DockerInstance instance, String method, long downtimeNanos, boolean restored, String failure) {
      long sent = link.bytesSent() - startBytes;
      boolean ahead = method.equals("prestage");
      return new HandoffReport(instance.spec().instanceId(), runtime.siteId(), link.toSite(), method, List.copyOf(phases),
          ahead ? sent : 0, ahead ? 0 : sent, checkpointBytes, (System.nanoTime() - startNanos) / 1_000,
          downtimeNanos / 1_000, restored, failure);
    }
  }
}
