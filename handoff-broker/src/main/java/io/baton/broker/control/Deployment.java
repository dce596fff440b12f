package io.baton.broker.control;

import io.vertx.core.json.JsonObject;

/**
 * A service an operator deployed for a client: which kind, on which node first, under which
 * profile, and whether it carries state (a stateless one moves without its state: cold, and
 * nothing but the execution state crosses).
 */
public record Deployment(String clientId, String service, String node, String profile, boolean stateful) {

  public static Deployment fromJson(JsonObject json) {
    return new Deployment(Fields.name(json, "clientId"), Fields.name(json, "service"), Fields.name(json, "node"),
        Fields.name(json, "profile"), Fields.flag(json, "stateful", true));
  }

  public JsonObject toJson() {
    return new JsonObject().put("clientId", clientId).put("service", service).put("node", node).put("profile", profile)
        .put("stateful", stateful);
  }
}
