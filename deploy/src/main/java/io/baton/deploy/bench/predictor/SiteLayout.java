package io.baton.deploy.bench.predictor;

import io.baton.protocol.directory.SitePlacement;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A sites file: a JSON list of {id, x, y, txPowerDbm, pathLossExponent[, referenceLossDb]}. */
public final class SiteLayout {
  private SiteLayout() {
  }

  public static List<SitePlacement> read(Path file) throws IOException {
    try {
      return SitePlacement.listFromJson(new JsonArray(Files.readString(file)));
    } catch (DecodeException | ClassCastException e) {
      throw new IOException(file + ": not a JSON list of sites: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
