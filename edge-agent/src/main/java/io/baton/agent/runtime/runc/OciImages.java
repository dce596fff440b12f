package io.baton.agent.runtime.runc;

import io.baton.agent.runtime.container.HostCommand;
import io.baton.agent.runtime.container.ImageArchives;
import io.baton.agent.transfer.Hashes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A runc site's images: one OCI image layout, written and read by skopeo and unpacked by umoci
 * (Debian's packages), never by hand. Layers are stored as they come from a docker-save archive,
 * uncompressed, so a layer blob's digest is its diff id and a partial archive can be completed
 * from the blobs already here. Each image is unpacked once into a root filesystem that is the
 * read-only lower layer of every container made from it.
 *
 * <p>Image names such as {@code baton/netkv:1} are not OCI tags; the tag is the name with every
 * character a tag cannot hold replaced, plus a short hash of the name, so that two names never
 * share a tag.
 */
final class OciImages {
  private final Path layout;
  private final Path unpacked;
  private final Duration deadline;

  OciImages(Path root, Duration deadline) {
    this.layout = root.resolve("images");
    this.unpacked = root.resolve("rootfs");
    this.deadline = deadline;
  }

  synchronized void init() {
    try {
      Files.createDirectories(unpacked);
      if (!Files.exists(layout.resolve("index.json"))) {
        HostCommand.run(List.of("umoci", "init", "--layout", layout.toString()), deadline);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("creating the image store " + layout, e);
    }
  }

  static String tag(String image) {
    String readable = image.replaceAll("[^A-Za-z0-9_.-]", "_");
    String hash = HexFormat.of().formatHex(Hashes.sha256(image.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    return (readable.length() > 100 ? readable.substring(0, 100) : readable) + "-" + hash;
  }

  private String ref(String image) {
    return "oci:" + layout + ":" + tag(image);
  }

  synchronized boolean has(String image) {
    return manifestDigest(image) != null;
  }

  /** Copies {@code image} from a Docker Engine at {@code dockerHost} unless it is here already. */
  synchronized void importFrom(String image, String dockerHost) {
    if (has(image)) {
      return;
    }
    HostCommand.run(List.of("skopeo", "copy", "--quiet", "--src-daemon-host", dockerHost, "docker-daemon:" + image,
        ref(image)), deadline);
  }

  synchronized List<String> diffIds(String image) {
    JsonObject config = blobJson(manifest(image).getJsonObject("config").getString("digest"));
    return config.getJsonObject("rootfs").getJsonArray("diff_ids").stream().map(String::valueOf).toList();
  }

  synchronized Set<String> chainIds() {
    Set<String> chains = new LinkedHashSet<>();
    for (Object entry : manifests()) {
      JsonObject manifest = blobJson(((JsonObject) entry).getString("digest"));
      JsonObject config = blobJson(manifest.getJsonObject("config").getString("digest"));
      chains.addAll(ImageArchives.chainIds(config.getJsonObject("rootfs").getJsonArray("diff_ids").stream()
          .map(String::valueOf).toList()));
    }
    return chains;
  }

  /** The image as a docker-save archive, from a temporary file that goes when the stream closes. */
  synchronized InputStream save(String image) {
    requireImage(image);
    Path archive = temporary("baton-save-", ".tar");
    try {
      Files.delete(archive);
      HostCommand.run(List.of("skopeo", "copy", "--quiet", ref(image), "docker-archive:" + archive + ":" + image), deadline);
      return new java.io.FilterInputStream(Files.newInputStream(archive)) {
        @Override
        public void close() throws IOException {
          super.close();
          Files.deleteIfExists(archive);
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("saving image " + image, e);
    }
  }

  /**
   * Loads a docker-save archive whose layer files may be missing where this layout holds the
   * layer already: those are filled in from the blobs here, then skopeo copies the whole archive
   * into the layout.
   */
  synchronized void load(InputStream partialArchive) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(partialArchive)) {
      for (TarArchiveEntry entry = tar.getNextTarEntry(); entry != null; entry = tar.getNextTarEntry()) {
        if (entry.isFile()) {
          files.put(entry.getName(), tar.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading an image archive", e);
    }
    byte[] manifestBytes = files.get("manifest.json");
    if (manifestBytes == null) {
      throw new IllegalArgumentException("an image archive without manifest.json");
    }
    JsonObject manifest = new JsonArray(new String(manifestBytes, StandardCharsets.UTF_8)).getJsonObject(0);
    JsonArray repoTags = manifest.getJsonArray("RepoTags", new JsonArray());
    if (repoTags.isEmpty()) {
      throw new IllegalArgumentException("an image archive that names no image (RepoTags)");
    }
    // skopeo's docker-archive names images fully ("docker.io/baton/netkv:1"); sites name them as Docker shows them.
    String image = repoTags.getString(0).replaceFirst("^docker\\.io/(library/)?", "");
    JsonObject config = new JsonObject(new String(files.get(manifest.getString("Config")), StandardCharsets.UTF_8));
    List<String> diffIds = config.getJsonObject("rootfs").getJsonArray("diff_ids").stream().map(String::valueOf).toList();
    JsonArray layers = manifest.getJsonArray("Layers");
    for (int i = 0; i < layers.size(); i++) {
      String path = layers.getString(i);
      if (!files.containsKey(path)) {
        String diffId = diffIds.get(i);
        files.put(path, layerTar(diffId).orElseThrow(() -> new IllegalStateException(
            "an image archive lacks layer " + diffId + ", which is not here either")));
      }
    }
    Path archive = temporary("baton-load-", ".tar");
    try {
      try (var out = Files.newOutputStream(archive)) {
        ImageArchives.writeArchive(files, out);
      }
      HostCommand.run(List.of("skopeo", "copy", "--quiet", "docker-archive:" + archive,
          ref(image)), deadline);
    } catch (IOException e) {
      throw new UncheckedIOException("loading image " + image, e);
    } finally {
      deleteQuietly(archive);
    }
  }

  /** The uncompressed tar of the layer with {@code diffId}, from any image here that has it. */
  private Optional<byte[]> layerTar(String diffId) {
    for (Object entry : manifests()) {
      JsonObject manifest = blobJson(((JsonObject) entry).getString("digest"));
      JsonArray layers = manifest.getJsonArray("layers");
      List<Object> diffs = blobJson(manifest.getJsonObject("config").getString("digest")).getJsonObject("rootfs")
          .getJsonArray("diff_ids").getList();
      int at = diffs.indexOf(diffId);
      if (at >= 0 && at < layers.size()) {
        JsonObject layer = layers.getJsonObject(at);
        try (InputStream raw = Files.newInputStream(blob(layer.getString("digest")))) {
          return Optional.of(layer.getString("mediaType", "").endsWith("gzip")
              ? new GZIPInputStream(raw).readAllBytes() : raw.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException("reading layer " + diffId, e);
        }
      }
    }
    return Optional.empty();
  }

  synchronized void remove(String image) {
    if (!has(image)) {
      return;
    }
    HostCommand.run(List.of("umoci", "rm", "--image", layout + ":" + tag(image)), deadline);
    HostCommand.run(List.of("umoci", "gc", "--layout", layout.toString()), deadline);
  }

  /**
   * The image's root filesystem, unpacked once per manifest (umoci unpack), and the runtime
   * configuration umoci derived from the image's own (command, environment, working directory).
   */
  synchronized Unpacked unpacked(String image) {
    String digest = requireImage(image);
    Path bundle = unpacked.resolve(digest.replace("sha256:", ""));
    if (!Files.exists(bundle.resolve("config.json"))) {
      Path partial = unpacked.resolve(bundle.getFileName() + ".partial");
      deleteTree(partial);
      HostCommand.run(List.of("umoci", "unpack", "--image", layout + ":" + tag(image), partial.toString()), deadline);
      try {
        Files.move(partial, bundle, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("keeping the unpacked image " + image, e);
      }
    }
    try {
      return new Unpacked(bundle.resolve("rootfs"), new JsonObject(Files.readString(bundle.resolve("config.json"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An unpacked image: the lower layer of its containers and the configuration umoci wrote for it. */
  record Unpacked(Path rootfs, JsonObject config) {
  }

  private String requireImage(String image) {
    String digest = manifestDigest(image);
    if (digest == null) {
      throw new IllegalArgumentException("image '" + image + "' is not in " + layout);
    }
    return digest;
  }

  private JsonObject manifest(String image) {
    return blobJson(requireImage(image));
  }

  private String manifestDigest(String image) {
    String tag = tag(image);
    for (Object entry : manifests()) {
      JsonObject manifest = (JsonObject) entry;
      JsonObject annotations = manifest.getJsonObject("annotations", new JsonObject());
      if (tag.equals(annotations.getString("org.opencontainers.image.ref.name"))) {
        return manifest.getString("digest");
      }
    }
    return null;
  }

  /** The index's manifests (umoci init writes "manifests": null). */
  private JsonArray manifests() {
    JsonArray manifests = index().getJsonArray("manifests");
    return manifests == null ? new JsonArray() : manifests;
  }

  private JsonObject index() {
    try {
      return new JsonObject(Files.readString(layout.resolve("index.json")));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + layout.resolve("index.json"), e);
    }
  }

  private JsonObject blobJson(String digest) {
    try {
      return new JsonObject(Files.readString(blob(digest)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading blob " + digest, e);
    }
  }

  private Path blob(String digest) {
    String[] parts = digest.split(":", 2);
    if (parts.length != 2 || !parts[1].matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a digest: " + digest);
    }
    return layout.resolve("blobs").resolve(parts[0]).resolve(parts[1]);
  }

  private static Path temporary(String prefix, String suffix) {
    try {
      return Files.createTempFile(prefix, suffix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A temporary file: the system cleans it up.
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + dir, e);
    }
  }
}
