package io.baton.broker.control;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A node as an operator registers it (seed 001's node register): its name (an edge node's name is
 * its site id), where it is reached, its role and the network it sits in (placement prefers a
 * node in the same network).
 */
public record NodeInfo(String name, String endpoint, Role role, String network) {

  public enum Role { EDGE, CLOUD, CLIENT }

  public static NodeInfo fromJson(JsonObject json) {
    return new NodeInfo(Fields.name(json, "name"), Fields.text(json, "endpoint", 256), Fields.choice(json, "role", Role.class),
        Fields.name(json, "network"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("endpoint", endpoint).put("role", role.name().toLowerCase(Locale.ROOT))
        .put("network", network);
  }
}
