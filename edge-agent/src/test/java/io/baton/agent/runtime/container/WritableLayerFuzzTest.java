package io.baton.agent.runtime.container;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.Hashes;
import io.baton.protocol.grpc.FileRef;
import io.baton.protocol.grpc.FileTree;
import io.baton.protocol.grpc.TreeEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A writable-layer tree as another site sends it: entries with hostile paths ('..', '.', absolute,
 * repeated), kinds, modes and links, and file contents whose announced size lies. It is applied or
 * refused (IllegalArgumentException, IllegalStateException, UncheckedIOException), and nothing
 * outside the layer changes. Links may only point into this test's sandbox, at a canary directory
 * beside the layer, so an escape shows up there and never reaches the machine.
 */
class WritableLayerFuzzTest {
  private static final Path SANDBOX = Sandbox.create("writable-layer-fuzz");
  private static final Path UPPER = SANDBOX.resolve("upper");
  private static final Path OUTSIDE = SANDBOX.resolve("outside");
  private static final Path CANARY = OUTSIDE.resolve("canary");
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);
  private static final ChunkStore STORE = new ChunkStore(1 << 20);
  private static final List<String> PARTS = List.of("a", "b", "..", ".", "outside", "canary", "");
  private static final List<String> LINKS = List.of(OUTSIDE.toString(), CANARY.toString(), "../outside", "a", "b/a", ".", "..");
  private static final Set<PosixFilePermission> OUTSIDE_MODE;
  private static final Set<PosixFilePermission> CANARY_MODE;

  static {
    try {
      Files.createDirectories(OUTSIDE);
      Files.write(CANARY, HELLO);
      OUTSIDE_MODE = Files.getPosixFilePermissions(OUTSIDE);
      CANARY_MODE = Files.getPosixFilePermissions(CANARY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    STORE.put(Hashes.address(HELLO), HELLO);
  }


  @FuzzTest(maxDuration = "10s")
  void treesApplyInsideTheLayerOrAreRefused(FuzzedDataProvider data) throws IOException {
    FileTree.Builder tree = FileTree.newBuilder();
    int entries = data.consumeInt(0, 5);
    for (int i = 0; i < entries; i++) {
      TreeEntry.Builder entry = TreeEntry.newBuilder().setPath(path(data))
          .setKind(data.pickValue(List.of(TreeEntry.Kind.FILE, TreeEntry.Kind.DIR, TreeEntry.Kind.SYMLINK, TreeEntry.Kind.FIFO)))
          .setMode(data.consumeInt(0, 07777)).setUid(data.consumeInt(0, 3)).setGid(data.consumeInt(0, 3))
          .setLink(data.pickValue(LINKS));
      FileRef.Builder content = FileRef.newBuilder().setPath(entry.getPath()).setSize(data.consumeLong(-2, 1L << 40));
      for (int c = data.consumeInt(0, 2); c > 0; c--) {
        content.addChunks(data.consumeBoolean() ? Hashes.address(HELLO) : ByteString.copyFrom(data.consumeBytes(3)));
      }
      tree.addEntries(entry.setContent(content));
    }
    reset();
    try {
      WritableLayer.apply(tree.build(), UPPER, STORE);
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException refused) {
      // a hostile or inconsistent tree
    }
    checkNothingOutsideChanged(tree.build());
  }

  private static String path(FuzzedDataProvider data) {
    StringBuilder path = new StringBuilder(data.consumeBoolean() ? "" : "/");
    for (int i = data.consumeInt(1, 3); i > 0; i--) {
      path.append(data.pickValue(PARTS)).append(i > 1 ? "/" : "");
    }
    return path.toString();
  }

  private static void reset() throws IOException {
    if (Files.exists(UPPER, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> tree = Files.walk(UPPER)) {
        for (Path path : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(path);
        }
      }
    }
    Files.createDirectories(UPPER);
  }

  private static void checkNothingOutsideChanged(FileTree tree) throws IOException {
    try (Stream<Path> all = Files.walk(SANDBOX)) {
      List<Path> strays = all.filter(p -> !p.equals(SANDBOX) && !p.startsWith(UPPER) && !p.equals(OUTSIDE) && !p.equals(CANARY))
          .toList();
      if (!strays.isEmpty()) {
        throw new AssertionError("the tree placed " + strays + " outside the layer: " + tree);
      }
    }
    if (!Files.isDirectory(UPPER, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(OUTSIDE, LinkOption.NOFOLLOW_LINKS)
        || !Files.isRegularFile(CANARY, LinkOption.NOFOLLOW_LINKS)
        || !java.util.Arrays.equals(HELLO, Files.readAllBytes(CANARY))
        || !OUTSIDE_MODE.equals(Files.getPosixFilePermissions(OUTSIDE))
        || !CANARY_MODE.equals(Files.getPosixFilePermissions(CANARY))
        || !Files.getOwner(CANARY).equals(Files.getOwner(OUTSIDE))) {
      throw new AssertionError("the tree changed something outside the layer: " + tree);
    }
  }
}
