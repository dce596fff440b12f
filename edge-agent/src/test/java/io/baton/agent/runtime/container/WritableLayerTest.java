package io.baton.agent.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.Hashes;
import io.baton.protocol.grpc.FileRef;
import io.baton.protocol.grpc.FileTree;
import io.baton.protocol.grpc.TreeEntry;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writable-layer tree from another site never places anything outside the container's upper directory. */
class WritableLayerTest {
  @TempDir
  Path temp;

  @Test
  void anEntryUnderASymlinkThatLeavesTheLayerIsRefused() throws Exception {
    Path upper = Files.createDirectories(temp.resolve("upper"));
    Path outside = Files.createDirectories(temp.resolve("outside"));
    FileTree tree = FileTree.newBuilder()
        .addEntries(TreeEntry.newBuilder().setPath("etc").setKind(TreeEntry.Kind.SYMLINK).setLink(outside.toString()))
        .addEntries(TreeEntry.newBuilder().setPath("etc/cron.d").setKind(TreeEntry.Kind.DIR).setMode(0755))
        .build();
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> WritableLayer.apply(tree, upper, new ChunkStore(1 << 20)));
    assertTrue(refused.getMessage().contains("symbolic link"), refused.getMessage());
    try (var listing = Files.list(outside)) {
      assertEquals(List.of(), listing.toList(), "nothing was created through the link");
    }
  }

  @Test
  void aDirectoryOverALinkReplacesTheLinkInsteadOfChangingItsTarget() throws Exception {
    Path upper = Files.createDirectories(temp.resolve("upper"));
    Path outside = Files.createDirectories(temp.resolve("outside"));
    Set<PosixFilePermission> before = Files.getPosixFilePermissions(outside);
    FileTree tree = FileTree.newBuilder()
        .addEntries(TreeEntry.newBuilder().setPath("d").setKind(TreeEntry.Kind.SYMLINK).setLink(outside.toString()))
        .addEntries(TreeEntry.newBuilder().setPath("d").setKind(TreeEntry.Kind.DIR).setMode(0777))
        .build();
    WritableLayer.apply(tree, upper, new ChunkStore(1 << 20));
    assertEquals(before, Files.getPosixFilePermissions(outside), "the link's target kept its mode");
    assertTrue(Files.isDirectory(upper.resolve("d"), LinkOption.NOFOLLOW_LINKS), "d is a directory of the layer now");
  }

  @Test
  void aFileWhoseAnnouncedSizeIsNotItsChunksIsRefusedBeforeAnythingIsSizedByIt() throws Exception {
    Path upper = Files.createDirectories(temp.resolve("upper"));
    ChunkStore store = new ChunkStore(1 << 20);
    byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    store.put(Hashes.address(hello), hello);
    for (long size : new long[] {Long.MAX_VALUE, Integer.MAX_VALUE, -1, 4}) {
      FileTree tree = FileTree.newBuilder().addEntries(TreeEntry.newBuilder().setPath("f").setKind(TreeEntry.Kind.FILE)
          .setContent(FileRef.newBuilder().setPath("f").setSize(size).addChunks(Hashes.address(hello)))).build();
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> WritableLayer.apply(tree, upper, store));
      assertTrue(refused.getMessage().contains("expected " + size), refused.getMessage());
    }
    FileTree shortAddress = FileTree.newBuilder().addEntries(TreeEntry.newBuilder().setPath("f").setKind(TreeEntry.Kind.FILE)
        .setContent(FileRef.newBuilder().setPath("f").setSize(5).addChunks(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2}))))
        .build();
    assertThrows(IllegalStateException.class, () -> WritableLayer.apply(shortAddress, upper, store));
  }

  @Test
  void anEntryNamingTheLayerItselfIsRefused() throws Exception {
    Path upper = Files.createDirectories(temp.resolve("upper"));
    FileTree tree = FileTree.newBuilder().addEntries(TreeEntry.newBuilder().setPath(".").setKind(TreeEntry.Kind.FIFO)).build();
    assertThrows(IllegalArgumentException.class, () -> WritableLayer.apply(tree, upper, new ChunkStore(1 << 20)));
    assertTrue(Files.isDirectory(upper));
  }

  @Test
  void aSymlinkInsideTheLayerStillCarriesEntries() throws Exception {
    Path upper = Files.createDirectories(temp.resolve("upper"));
    FileTree tree = FileTree.newBuilder()
        .addEntries(TreeEntry.newBuilder().setPath("data").setKind(TreeEntry.Kind.DIR).setMode(0755))
        .addEntries(TreeEntry.newBuilder().setPath("current").setKind(TreeEntry.Kind.SYMLINK).setLink("data"))
        .addEntries(TreeEntry.newBuilder().setPath("current/logs").setKind(TreeEntry.Kind.DIR).setMode(0755))
        .build();
    WritableLayer.apply(tree, upper, new ChunkStore(1 << 20));
    assertTrue(Files.isDirectory(upper.resolve("data/logs")));
  }
}
