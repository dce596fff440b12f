package io.baton.deploy.bench;

import io.baton.agent.runtime.container.ContainerProfile;
import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.protocol.directory.LinkProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Seed 004's plain live migration, the benchmark's baseline, done on the two engines themselves as
 * the seed's operator does it by hand: {@code docker checkpoint create} (the container stops), tar
 * czf of the checkpoint directory, copy, {@code docker create} with the same image and command at
 * the target, untar the checkpoint into it, {@code docker start --checkpoint}. Nothing is sent
 * ahead, the writable layer stays behind and the image must be at the target already. No agent
 * takes part, so the copy is paced here the way the agents' link emulator paces theirs: one round
 * trip, then the archive's bytes at the link's bandwidth.
 */
final class Seed004Recipe {
  private static final String CHECKPOINT = "seed004";

  private final DockerEngine source;
  private final DockerEngine target;

  /** One migration's phases and sizes; handoff time and downtime are the same here: all of it happens frozen. */
  record Result(String containerAtTarget, long micros, long archiveBytes, long checkpointBytes, List<Phase> phases) {
  }

  record Phase(String name, long micros) {
  }

  Seed004Recipe(DockerEngine source, DockerEngine target) {
    this.source = source;
    this.target = target;
  }

  /** The container the recipe starts from, as {@code docker run} would: created and started at the source. */
  String run(String name, ContainerProfile profile) {
    String container = source.create(name, profile);
    source.start(container);
    return container;
  }

  Result migrate(String container, String name, ContainerProfile profile, LinkProfile link) throws Exception {
    List<Phase> phases = new ArrayList<>();
    long start = System.nanoTime();
    timed(phases, "checkpoint", () -> {
      source.checkpoint(container, CHECKPOINT, true);
      return null;
    });
    Path dir = source.checkpointDir(container, CHECKPOINT);
    long checkpointBytes = directoryBytes(dir);
    byte[] archive = timed(phases, "tar", () -> pack(dir));
    timed(phases, "copy", () -> {
      Thread.sleep(Math.round(2 * link.oneWayDelayMillis() + archive.length * 8_000.0 / link.bandwidthBitsPerSecond()));
      return null;
    });
    String created = timed(phases, "create", () -> target.create(name, profile));
    timed(phases, "restore", () -> {
      unpack(archive, target.checkpointDir(created, CHECKPOINT));
      target.startFromCheckpoint(created, CHECKPOINT);
      return null;
    });
    return new Result(created, (System.nanoTime() - start) / 1_000, archive.length, checkpointBytes, phases);
  }

  private static <T> T timed(List<Phase> phases, String name, Callable<T> step) throws Exception {
    long start = System.nanoTime();
    try {
      return step.call();
    } finally {
      phases.add(new Phase(name, (System.nanoTime() - start) / 1_000));
    }
  }

  static byte[] pack(Path dir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out));
        Stream<Path> listing = Files.list(dir)) {
      for (Path file : (Iterable<Path>) listing.sorted()::iterator) {
        byte[] content = Files.readAllBytes(file);
        TarArchiveEntry entry = new TarArchiveEntry(file.getFileName().toString());
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("packing checkpoint " + dir, e);
    }
    return out.toByteArray();
  }

  static void unpack(byte[] archive, Path dir) {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(archive)))) {
      Files.createDirectories(dir);
      for (TarArchiveEntry entry = tar.getNextTarEntry(); entry != null; entry = tar.getNextTarEntry()) {
        Path path = dir.resolve(entry.getName()).normalize();
        if (!path.startsWith(dir)) {
          throw new IllegalArgumentException("archive entry " + entry.getName() + " escapes " + dir);
        }
        if (entry.isFile()) {
          Files.write(path, tar.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("unpacking checkpoint into " + dir, e);
    }
  }

  static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      long total = 0;
      for (Path file : (Iterable<Path>) listing::iterator) {
        total += Files.size(file);
      }
      return total;
    }
  }
}
