package io.baton.agent.runtime.container;

import io.baton.agent.transfer.Hashes;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Image layers by chain id, and `docker save` archives cut down to the layers a target lacks.
 * Docker's load skips the layer file of any chain it already holds, so an archive with only the
 * missing layer files (plus manifest and config) loads the whole image.
 */
public final class ImageArchives {
  private ImageArchives() {
  }

  /** Chain ids of a layer stack, bottom first: chain(0) = diff(0), chain(n) = sha256(chain(n-1) + " " + diff(n)). */
  public static List<String> chainIds(List<String> diffIds) {
    List<String> chains = new ArrayList<>(diffIds.size());
    String chain = null;
    for (String diff : diffIds) {
      chain = chain == null ? diff
          : "sha256:" + HexFormat.of().formatHex(Hashes.sha256((chain + " " + diff).getBytes(StandardCharsets.UTF_8)));
      chains.add(chain);
    }
    return chains;
  }

  /**
   * The files of a `docker save` archive the target needs: manifest, config, and the layer files
   * whose chain the target lacks. Layer tar bytes are read into memory (Baton's images are small;
   * a production agent would stream them to disk).
   */
  public static Map<String, byte[]> missingFiles(InputStream savedArchive, List<String> diffIds, Set<String> targetChains) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(savedArchive)) {
      for (TarArchiveEntry entry = tar.getNextTarEntry(); entry != null; entry = tar.getNextTarEntry()) {
        if (entry.isFile()) {
          files.put(entry.getName(), tar.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading a docker save archive", e);
    }
    JsonArray manifest = new JsonArray(new String(files.get("manifest.json"), StandardCharsets.UTF_8));
    JsonArray layerPaths = manifest.getJsonObject(0).getJsonArray("Layers");
    List<String> chains = chainIds(diffIds);
    Map<String, byte[]> needed = new LinkedHashMap<>();
    needed.put("manifest.json", files.get("manifest.json"));
    String config = manifest.getJsonObject(0).getString("Config");
    needed.put(config, files.get(config));
    if (files.containsKey("repositories")) {
      needed.put("repositories", files.get("repositories"));
    }
    for (int i = 0; i < layerPaths.size(); i++) {
      if (!targetChains.contains(chains.get(i))) {
        String path = layerPaths.getString(i);
        needed.put(path, files.get(path));
      }
    }
    return needed;
  }

  /** Writes an archive `docker load` accepts from the given files. */
  public static void writeArchive(Map<String, byte[]> files, OutputStream out) {
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        entry.setSize(file.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(file.getValue());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing an image archive", e);
    }
  }

  /** The bytes of the layer files among an archive's files: those its manifest lists as layers. */
  public static long layerBytes(Map<String, byte[]> files) {
    JsonArray manifest = new JsonArray(new String(files.get("manifest.json"), StandardCharsets.UTF_8));
    JsonArray layers = manifest.getJsonObject(0).getJsonArray("Layers");
    return files.entrySet().stream().filter(f -> layers.contains(f.getKey())).mapToLong(f -> f.getValue().length).sum();
  }
}
