package io.baton.agent.runtime.docker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a docker service runs: its image, command, resource profile (seed 001's CPU and RAM quota,
 * as Docker limits) and the command that answers a request inside the container (absent: the
 * last line the service printed is its answer, like seed 004's counter).
 */
public record ContainerProfile(String image, List<String> cmd, double cpus, long memoryMb, List<String> queryCmd) {
  public static final String KIND = "container";

  public ContainerProfile {
    if (image == null || image.isBlank()) {
      throw new IllegalArgumentException("a docker service needs an image");
    }
    if (cpus < 0 || memoryMb < 0) {
      throw new IllegalArgumentException("cpus and memory must not be negative");
    }
    if (memoryMb > 0 && memoryMb < 6) {
      throw new IllegalArgumentException("Docker needs at least 6 MB of memory, got " + memoryMb);
    }
    cmd = List.copyOf(cmd);
    queryCmd = List.copyOf(queryCmd);
  }

  /** From an instance's options: image, cmd [..], cpus, memoryMb, query [..]. */
  public static ContainerProfile fromOptions(JsonObject options) {
    return new ContainerProfile(options.getString("image"), strings(options.getJsonArray("cmd")),
        options.getDouble("cpus", 0.0), options.getLong("memoryMb", 0L), strings(options.getJsonArray("query")));
  }

  public JsonObject toOptions() {
    return new JsonObject().put("image", image).put("cmd", new JsonArray(cmd)).put("cpus", cpus)
        .put("memoryMb", memoryMb).put("query", new JsonArray(queryCmd));
  }

  /** The same service with another memory limit (a site may cap what it gives a container). */
  public ContainerProfile withMemoryMb(long limit) {
    return new ContainerProfile(image, cmd, cpus, limit, queryCmd);
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
