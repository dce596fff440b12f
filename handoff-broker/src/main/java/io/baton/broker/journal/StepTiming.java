package io.baton.broker.journal;

import io.vertx.core.json.JsonObject;

/** One saga step as the journal keeps it: when it started and ended (wall clock, ms) and which broker ran it. */
public record StepTiming(String step, long startedAtMs, long endedAtMs, String broker) {

  public long durationMs() {
    return endedAtMs - startedAtMs;
  }

  JsonObject toJson() {
    return new JsonObject().put("step", step).put("startedAtMs", startedAtMs).put("endedAtMs", endedAtMs)
        .put("durationMs", durationMs()).put("broker", broker);
  }

  static StepTiming fromJson(JsonObject json) {
    return new StepTiming(json.getString("step"), json.getLong("startedAtMs"), json.getLong("endedAtMs"), json.getString("broker"));
  }
}
