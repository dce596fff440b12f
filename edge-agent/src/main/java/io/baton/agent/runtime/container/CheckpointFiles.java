package io.baton.agent.runtime.container;

import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.Hashes;
import io.baton.protocol.grpc.FileRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checkpoint directories on the target's disk. A pre-staged checkpoint is written out when it
 * arrives, so at the handoff the final one is made by moving that directory and patching only the
 * changed chunks in place: the downtime pays for the pages that changed, not for writing the
 * whole memory again.
 */
final class CheckpointFiles {
  private CheckpointFiles() {
  }

  /** Writes every file in full. */
  static void write(Path dir, Collection<FileRef> files, ChunkStore store) {
    try {
      Files.createDirectories(dir);
      for (FileRef file : files) {
        Files.write(inside(dir, file), ChunkedFile.assemble(file, store));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing checkpoint " + dir, e);
    }
  }

  /**
   * Turns the base checkpoint's directory into {@code dir}: delta files are patched chunk by
   * chunk, full files rewritten, files the new checkpoint lacks removed.
   */
  static void patch(Path baseDir, Path dir, Collection<FileRef> sent, Map<String, FileRef> resolved, ChunkStore store) {
    try {
      Files.move(baseDir, dir);
      try (Stream<Path> listing = Files.list(dir)) {
        for (Path existing : (Iterable<Path>) listing::iterator) {
          if (!resolved.containsKey(existing.getFileName().toString())) {
            Files.delete(existing);
          }
        }
      }
      for (FileRef file : sent) {
        Path path = inside(dir, file);
        if (!file.getDelta() || !Files.exists(path)) {
          Files.write(path, ChunkedFile.assemble(resolved.get(file.getPath()), store));
          continue;
        }
        applyDelta(path, file, store);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("patching checkpoint " + baseDir + " into " + dir, e);
    }
  }

  /**
   * Builds {@code dir} from the base checkpoint's directory as {@link #patch} does, but leaves the
   * base whole: a hybrid restore reads the pages its pagemaps mark as in the parent from there.
   * Only the part of a base file that the new file's size covers is copied.
   */
  static void patchBeside(Path baseDir, Path dir, Collection<FileRef> sent, Map<String, FileRef> resolved, ChunkStore store) {
    try {
      Files.createDirectories(dir);
      for (FileRef file : sent) {
        Path path = inside(dir, file);
        Path base = inside(baseDir, file);
        if (!file.getDelta() || !Files.exists(base)) {
          Files.write(path, ChunkedFile.assemble(resolved.get(file.getPath()), store));
          continue;
        }
        try (FileChannel from = FileChannel.open(base, StandardOpenOption.READ);
            FileChannel to = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
          long length = Math.min(file.getSize(), from.size());
          for (long copied = 0; copied < length; ) {
            copied += from.transferTo(copied, length - copied, to);
          }
        }
        applyDelta(path, file, store);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("building checkpoint " + dir + " beside " + baseDir, e);
    }
  }

  private static void applyDelta(Path path, FileRef file, ChunkStore store) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
      for (int k = 0; k < file.getChangedIndexCount(); k++) {
        var address = file.getChunks(k);
        byte[] chunk = store.get(address).orElseThrow(() -> new IllegalStateException(
            "chunk " + Hashes.hex(address).substring(0, 12) + " of " + file.getPath() + " never arrived"));
        channel.write(ByteBuffer.wrap(chunk), (long) file.getChangedIndex(k) * file.getChunkSize());
      }
      channel.truncate(file.getSize());
    }
  }

  private static Path inside(Path dir, FileRef file) {
    Path path = dir.resolve(file.getPath()).normalize();
    if (!path.startsWith(dir) || path.equals(dir)) {
      throw new IllegalArgumentException("checkpoint file " + file.getPath() + " escapes its directory");
    }
    return path;
  }
}
