package io.baton.agent.runtime.container;

import com.google.protobuf.ByteString;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.Hashes;
import io.baton.protocol.grpc.FileRef;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A file as content-addressed chunks: the reference that travels ({@link FileRef}) and the chunk
 * contents a sender may need to ship. CRIU page images are cut at 4 KiB, so one memory page is one
 * chunk and a page that did not change since the pre-staged dump is found by its hash.
 */
public record ChunkedFile(FileRef ref, Map<ByteString, byte[]> chunks) {
  public static final int PAGE_CHUNK = 4096;
  public static final int FILE_CHUNK = 256 * 1024;

  public static ChunkedFile of(String path, byte[] content, int chunkSize) {
    List<ByteString> addresses = new ArrayList<>(content.length / chunkSize + 1);
    Map<ByteString, byte[]> chunks = new LinkedHashMap<>();
    for (int offset = 0; offset < content.length; offset += chunkSize) {
      byte[] chunk = Arrays.copyOfRange(content, offset, Math.min(content.length, offset + chunkSize));
      ByteString address = Hashes.address(chunk);
      addresses.add(address);
      chunks.putIfAbsent(address, chunk);
    }
    FileRef ref = FileRef.newBuilder().setPath(path).setSize(content.length).setChunkSize(chunkSize)
        .addAllChunks(addresses).setChunkCount(addresses.size()).build();
    return new ChunkedFile(ref, chunks);
  }

  /** The chunk size for a checkpoint file: page images by page, the rest in large pieces. */
  public static int chunkSizeFor(String checkpointFile) {
    return checkpointFile.startsWith("pages-") ? PAGE_CHUNK : FILE_CHUNK;
  }

  /**
   * This file as a delta against the same file in a base: only the chunks whose address differs,
   * by index. Returns the full reference when the base has no such file.
   */
  public FileRef deltaAgainst(FileRef base) {
    if (base == null || base.getDelta() || base.getChunkSize() != ref.getChunkSize()) {
      return ref;
    }
    FileRef.Builder delta = FileRef.newBuilder().setPath(ref.getPath()).setSize(ref.getSize())
        .setChunkSize(ref.getChunkSize()).setChunkCount(ref.getChunkCount()).setDelta(true);
    for (int i = 0; i < ref.getChunkCount(); i++) {
      if (i >= base.getChunkCount() || !base.getChunks(i).equals(ref.getChunks(i))) {
        delta.addChangedIndex(i).addChunks(ref.getChunks(i));
      }
    }
    return delta.build();
  }

  /** Expands a delta against its base into the full reference. */
  public static FileRef resolve(FileRef file, FileRef base) {
    if (!file.getDelta()) {
      return file;
    }
    if (base == null) {
      throw new IllegalStateException("delta of " + file.getPath() + " has no base file");
    }
    List<ByteString> addresses = new ArrayList<>(file.getChunkCount());
    for (int i = 0; i < file.getChunkCount(); i++) {
      addresses.add(i < base.getChunkCount() ? base.getChunks(i) : null);
    }
    for (int k = 0; k < file.getChangedIndexCount(); k++) {
      addresses.set(file.getChangedIndex(k), file.getChunks(k));
    }
    if (addresses.contains(null)) {
      throw new IllegalStateException("delta of " + file.getPath() + " leaves chunks undefined");
    }
    return file.toBuilder().setDelta(false).clearChangedIndex().clearChunks().addAllChunks(addresses).build();
  }

  /** The file's bytes from a chunk store; fails naming the first chunk the store lacks. */
  public static byte[] assemble(FileRef file, ChunkStore store) {
    // The size is the sender's word: check it against the chunks before sizing anything by it.
    List<byte[]> chunks = new ArrayList<>(file.getChunksCount());
    long total = 0;
    for (ByteString address : file.getChunksList()) {
      byte[] chunk = store.get(address).orElseThrow(() -> new IllegalStateException(
          "chunk " + Hashes.hex(address).substring(0, Math.min(12, 2 * address.size())) + " of " + file.getPath() + " never arrived"));
      chunks.add(chunk);
      total += chunk.length;
    }
    if (total != file.getSize() || total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(file.getPath() + " assembles to " + total + " bytes, expected " + file.getSize());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) total);
    chunks.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
