package io.baton.protocol.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The predictor's ranked guess of a client's next sites, best first. */
public record Forecast(String clientId, long issuedAtMs, List<Candidate> candidates) implements BatonEvent {

  /** One candidate next site: how likely, and in how many milliseconds the handoff is expected. */
  public record Candidate(String siteId, double probability, long etaMs) {
  }

  public Forecast {
    candidates = List.copyOf(candidates);
  }

  @Override
  public JsonObject toJson() {
    JsonArray ranked = new JsonArray();
    candidates.forEach(c -> ranked.add(new JsonObject()
        .put("siteId", c.siteId()).put("probability", c.probability()).put("etaMs", c.etaMs())));
    return new JsonObject().put("clientId", clientId).put("issuedAtMs", issuedAtMs).put("candidates", ranked);
  }

  public static Forecast fromJson(JsonObject json) {
    List<Candidate> ranked = json.getJsonArray("candidates").stream()
        .map(JsonObject.class::cast)
        .map(c -> new Candidate(c.getString("siteId"), c.getDouble("probability"), c.getLong("etaMs")))
        .toList();
    return new Forecast(json.getString("clientId"), json.getLong("issuedAtMs"), ranked);
  }
}
