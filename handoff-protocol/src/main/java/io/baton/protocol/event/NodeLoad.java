package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * A node's load as its agent read it from the OS, published every few seconds: CPU and RAM in
 * percent of the machine, GPU in percent or -1 where the node has none readable.
 */
public record NodeLoad(String node, double cpuPercent, double ramPercent, double gpuPercent, int cores, long ramTotalBytes,
    long timestampMs) implements BatonEvent {

  public boolean hasGpu() {
    return gpuPercent >= 0;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("node", node)
        .put("cpuPercent", cpuPercent)
        .put("ramPercent", ramPercent)
        .put("gpuPercent", gpuPercent)
        .put("cores", cores)
        .put("ramTotalBytes", ramTotalBytes)
        .put("timestampMs", timestampMs);
  }

  public static NodeLoad fromJson(JsonObject json) {
    return new NodeLoad(json.getString("node"), json.getDouble("cpuPercent"), json.getDouble("ramPercent"),
        json.getDouble("gpuPercent"), json.getInteger("cores"), json.getLong("ramTotalBytes"), json.getLong("timestampMs"));
  }
}
