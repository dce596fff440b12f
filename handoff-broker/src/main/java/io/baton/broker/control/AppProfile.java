package io.baton.broker.control;

import io.vertx.core.json.JsonObject;

/** An application profile (seed 001): the share of a node's CPU, GPU and RAM, in percent, one instance may use. */
public record AppProfile(String name, double cpuPercent, double gpuPercent, double ramPercent) {

  public static AppProfile fromJson(JsonObject json) {
    return new AppProfile(Fields.name(json, "name"), Fields.percent(json, "cpuPercent"), Fields.percent(json, "gpuPercent"),
        Fields.percent(json, "ramPercent"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("cpuPercent", cpuPercent).put("gpuPercent", gpuPercent)
        .put("ramPercent", ramPercent);
  }
}
