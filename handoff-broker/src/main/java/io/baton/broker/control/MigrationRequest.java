package io.baton.broker.control;

import io.baton.broker.BrokerConfig;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** An operator's request to move a client's service: to which node, and with which technique if not the broker's. */
public record MigrationRequest(String clientId, String target, Optional<String> technique) {

  public static MigrationRequest fromJson(JsonObject json) {
    String clientId = Fields.name(json, "clientId");
    String target = Fields.name(json, "target");
    String technique = json.getValue("technique") == null ? null : Fields.text(json, "technique", 16);
    if (technique != null && !BrokerConfig.TECHNIQUES.contains(technique)) {
      throw new BadRequestException("'technique' must be one of " + BrokerConfig.TECHNIQUES + ", got " + technique);
    }
    return new MigrationRequest(clientId, target, Optional.ofNullable(technique));
  }
}
