package io.baton.agent.runtime.container;

import com.google.protobuf.ByteString;
import io.baton.agent.transfer.ChunkStore;
import io.baton.protocol.grpc.FileTree;
import io.baton.protocol.grpc.TreeEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A container's writable layer (its overlay2 UpperDir) as a tree of entries whose file contents
 * are content-addressed chunks, so a re-sync after the freeze sends only files that changed.
 * Whiteouts (deletions of lower-layer files) travel as entries of their own. Not carried: overlay
 * xattrs such as opaque directories (a directory deleted and re-created over a lower one).
 */
public final class WritableLayer {
  private static final java.time.Duration NODE_DEADLINE = java.time.Duration.ofSeconds(10);
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private WritableLayer() {
  }

  /** A scanned layer: the tree that travels and the chunks its files are made of. */
  public record Scan(List<TreeEntry> entries, Map<ByteString, byte[]> chunks) {
    public long fileBytes() {
      return chunks.values().stream().mapToLong(c -> c.length).sum();
    }
  }

  public static Scan scan(Path upperDir) {
    List<TreeEntry> entries = new java.util.ArrayList<>();
    Map<ByteString, byte[]> chunks = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(upperDir)) {
      for (Path path : (Iterable<Path>) walk.sorted()::iterator) {
        if (path.equals(upperDir)) {
          continue;
        }
        String relative = upperDir.relativize(path).toString();
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid,rdev", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) unix.get("mode");
        TreeEntry.Builder entry = TreeEntry.newBuilder().setPath(relative).setMode(mode & 07777)
            .setUid((Integer) unix.get("uid")).setGid((Integer) unix.get("gid"));
        switch (mode & S_IFMT) {
          case S_IFDIR -> entry.setKind(TreeEntry.Kind.DIR);
          case S_IFLNK -> entry.setKind(TreeEntry.Kind.SYMLINK).setLink(Files.readSymbolicLink(path).toString());
          case S_IFIFO -> entry.setKind(TreeEntry.Kind.FIFO);
          case S_IFCHR -> {
            if ((Long) unix.get("rdev") != 0L) {
              continue; // a real device node has no place in a writable layer Baton moves
            }
            entry.setKind(TreeEntry.Kind.WHITEOUT);
          }
          case S_IFREG -> {
            ChunkedFile file = ChunkedFile.of(relative, Files.readAllBytes(path), ChunkedFile.FILE_CHUNK);
            chunks.putAll(file.chunks());
            entry.setKind(TreeEntry.Kind.FILE).setContent(file.ref());
          }
          default -> {
            continue; // sockets: recreated by the process that owns them
          }
        }
        entries.add(entry.build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("scanning writable layer " + upperDir, e);
    }
    return new Scan(entries, chunks);
  }

  /** Makes {@code upperDir} hold exactly {@code tree}, file contents from {@code store}. */
  public static void apply(FileTree tree, Path upperDir, ChunkStore store) {
    Set<String> wanted = new HashSet<>();
    tree.getEntriesList().forEach(e -> wanted.add(e.getPath()));
    try {
      try (Stream<Path> existing = Files.walk(upperDir)) {
        for (Path path : (Iterable<Path>) existing.sorted(Comparator.reverseOrder())::iterator) {
          if (!path.equals(upperDir) && !wanted.contains(upperDir.relativize(path).toString())) {
            Files.delete(path);
          }
        }
      }
      Path root = upperDir.toRealPath();
      for (TreeEntry entry : tree.getEntriesList()) {
        Path path = upperDir.resolve(entry.getPath()).normalize();
        if (!path.startsWith(upperDir) || path.equals(upperDir)) {
          throw new IllegalArgumentException("entry " + entry.getPath() + " escapes the writable layer");
        }
        if (!nearestExisting(path.getParent()).toRealPath().startsWith(root)) {
          // A symlink placed by an earlier entry (a/ -> /etc) would carry a later one (a/passwd) out.
          throw new IllegalArgumentException("entry " + entry.getPath() + " lies under a symbolic link out of the writable layer");
        }
        place(entry, path, store);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("applying writable layer to " + upperDir, e);
    }
  }

  private static Path nearestExisting(Path path) {
    Path existing = path;
    while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    return existing;
  }

  private static void place(TreeEntry entry, Path path, ChunkStore store) throws IOException {
    switch (entry.getKind()) {
      case DIR -> {
        // An earlier entry may have put a link here: a directory replaces it, or its mode would land on the link's target.
        if (Files.isSymbolicLink(path)) {
          Files.delete(path);
        }
        Files.createDirectories(path);
      }
      case FILE -> {
        Files.deleteIfExists(path);
        Files.write(path, ChunkedFile.assemble(entry.getContent(), store));
      }
      case SYMLINK -> {
        Files.deleteIfExists(path);
        Files.createSymbolicLink(path, Path.of(entry.getLink()));
      }
      case WHITEOUT -> {
        Files.deleteIfExists(path);
        run(List.of("mknod", path.toString(), "c", "0", "0"));
      }
      case FIFO -> {
        Files.deleteIfExists(path);
        run(List.of("mkfifo", path.toString()));
      }
      default -> throw new IllegalArgumentException("unknown entry kind " + entry.getKind());
    }
    Files.setAttribute(path, "unix:uid", entry.getUid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", entry.getGid(), LinkOption.NOFOLLOW_LINKS);
    if (entry.getKind() != TreeEntry.Kind.SYMLINK) {
      Files.setAttribute(path, "unix:mode", entry.getMode());
    }
  }

  /** mknod and mkfifo have no Java API; each runs under a deadline. */
  private static void run(List<String> command) throws IOException {
    HostCommand.Result result = HostCommand.attempt(command, NODE_DEADLINE);
    if (!result.ok()) {
      throw new IOException(String.join(" ", command) + " failed: " + result.output().strip());
    }
  }
}
