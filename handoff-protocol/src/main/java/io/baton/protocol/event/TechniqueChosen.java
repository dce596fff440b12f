package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/** The technique an adaptive handoff will use, and the model's estimates that decided it. */
public record TechniqueChosen(String handoffId, String technique, String reason, JsonObject estimates) implements BatonEvent {

  public TechniqueChosen {
    estimates = estimates.copy();
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("handoffId", handoffId).put("technique", technique).put("reason", reason)
        .put("estimates", estimates.copy());
  }

  public static TechniqueChosen fromJson(JsonObject json) {
    return new TechniqueChosen(json.getString("handoffId"), json.getString("technique"), json.getString("reason"),
        json.getJsonObject("estimates"));
  }
}
