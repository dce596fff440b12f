package io.baton.agent.runtime.docker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** A checkpoint directory as one tar.gz, the way seed 004 copies it (tar czf, scp, tar xzf). */
public final class CheckpointArchive {
  private CheckpointArchive() {
  }

  public static byte[] pack(Path dir) {
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

  public static void unpack(byte[] archive, Path dir) {
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
}
