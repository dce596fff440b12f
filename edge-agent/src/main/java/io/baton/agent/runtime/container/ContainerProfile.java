package io.baton.agent.runtime.container;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a container service runs: its image, command, resource profile (seed 001's CPU and RAM quota,
 * as Docker limits), the command that answers a request inside the container (absent: the last
 * line the service printed is its answer, like seed 004's counter) and, for a networked service,
 * the TCP port it listens on inside the container (0: none). A service with a port answers calls
 * over HTTP on that port; its query command is then only a health check.
 */
public record ContainerProfile(String image, List<String> cmd, double cpus, long memoryMb, List<String> queryCmd, int port) {
  public static final String KIND = "container";

  public ContainerProfile {
    if (image == null || image.isBlank()) {
      throw new IllegalArgumentException("a container service needs an image");
    }
    if (cpus < 0 || memoryMb < 0) {
      throw new IllegalArgumentException("cpus and memory must not be negative");
    }
    if (memoryMb > 0 && memoryMb < 6) {
      throw new IllegalArgumentException("a container needs at least 6 MB of memory, got " + memoryMb);
    }
    if (port != 0 && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("a service port is 1..65535, got " + port);
    }
    cmd = List.copyOf(cmd);
    queryCmd = List.copyOf(queryCmd);
  }

  /** A service without a port, reached through its query command or its log. */
  public ContainerProfile(String image, List<String> cmd, double cpus, long memoryMb, List<String> queryCmd) {
    this(image, cmd, cpus, memoryMb, queryCmd, 0);
  }

  /** From an instance's options: image, cmd [..], cpus, memoryMb, query [..], port. */
  public static ContainerProfile fromOptions(JsonObject options) {
    return new ContainerProfile(options.getString("image"), strings(options.getJsonArray("cmd")),
        options.getDouble("cpus", 0.0), options.getLong("memoryMb", 0L), strings(options.getJsonArray("query")),
        port(options.getValue("port")));
  }

  public JsonObject toOptions() {
    JsonObject options = new JsonObject().put("image", image).put("cmd", new JsonArray(cmd)).put("cpus", cpus)
        .put("memoryMb", memoryMb).put("query", new JsonArray(queryCmd));
    return port == 0 ? options : options.put("port", port);
  }

  /** Whether calls reach the service over HTTP on its port (rather than through exec or its log). */
  public boolean networked() {
    return port != 0;
  }

  /** The same service with another memory limit (a site may cap what it gives a container). */
  public ContainerProfile withMemoryMb(long limit) {
    return new ContainerProfile(image, cmd, cpus, limit, queryCmd, port);
  }

  private static int port(Object option) {
    if (option == null) {
      return 0;
    }
    if (!(option instanceof Number number) || number.doubleValue() != number.intValue()
        || number.intValue() < 1 || number.intValue() > 65535) {
      throw new IllegalArgumentException("option 'port' is a TCP port, 1..65535, got " + option);
    }
    return number.intValue();
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
