package io.baton.agent.runtime.runc;

import io.baton.agent.runtime.container.ContainerProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A container's OCI runtime spec (the bundle's config.json): what umoci derived from the image
 * (command, environment, working directory, the default mounts, masked paths and capabilities)
 * with the container's own parts put in: its overlay root, the profile's command and limits,
 * and its network namespace, joined by path so that CRIU treats it as external and a restore can
 * land in another one. A container without a port gets a namespace of its own holding only
 * loopback (as Docker's "none" network does), which CRIU dumps and restores with it.
 */
final class BundleSpec {
  private static final long CPU_PERIOD_MICROS = 100_000;

  private BundleSpec() {
  }

  /** @param criuConfig CRIU options for this container's checkpoints and restores (runc reads no others) */
  static JsonObject of(JsonObject imageSpec, Path rootfs, ContainerProfile profile, String containerId,
      Optional<Path> networkNamespace, Optional<Path> criuConfig) {
    JsonObject spec = imageSpec.copy();
    // An empty name keeps a host's /etc/criu/runc.conf out of Baton's dumps.
    JsonObject annotations = spec.getJsonObject("annotations", new JsonObject());
    annotations.put("org.criu.config", criuConfig.map(Path::toString).orElse(""));
    spec.put("annotations", annotations);
    spec.put("root", new JsonObject().put("path", rootfs.toString()).put("readonly", false));
    spec.put("hostname", containerId.length() > 63 ? containerId.substring(0, 63) : containerId);
    JsonObject process = spec.getJsonObject("process");
    process.put("terminal", false);
    if (!profile.cmd().isEmpty()) {
      process.put("args", new JsonArray(new java.util.ArrayList<>(profile.cmd())));
    }
    if (process.getJsonArray("args", new JsonArray()).isEmpty()) {
      throw new IllegalArgumentException("image " + profile.image() + " has no command and the service names none (cmd)");
    }
    JsonObject linux = spec.getJsonObject("linux");
    linux.put("cgroupsPath", "/baton-runc/" + containerId);
    JsonObject resources = linux.getJsonObject("resources", new JsonObject());
    linux.put("resources", resources);
    if (profile.memoryMb() > 0) {
      long bytes = profile.memoryMb() << 20;
      // swap = limit: no swap, so a container over its memory is refused, not slowed.
      resources.put("memory", new JsonObject().put("limit", bytes).put("swap", bytes));
    }
    if (profile.cpus() > 0) {
      resources.put("cpu", new JsonObject().put("period", CPU_PERIOD_MICROS)
          .put("quota", (long) (profile.cpus() * CPU_PERIOD_MICROS)));
    }
    JsonArray namespaces = new JsonArray();
    for (Object each : linux.getJsonArray("namespaces", new JsonArray())) {
      JsonObject namespace = (JsonObject) each;
      if (!namespace.getString("type").equals("network") && !namespace.getString("type").equals("user")) {
        namespaces.add(namespace);
      }
    }
    JsonObject network = new JsonObject().put("type", "network");
    networkNamespace.ifPresent(path -> network.put("path", path.toString()));
    namespaces.add(network);
    linux.put("namespaces", namespaces);
    linux.remove("uidMappings");
    linux.remove("gidMappings");
    return spec;
  }
}
