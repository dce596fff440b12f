package io.baton.protocol.directory;

import io.vertx.core.json.JsonObject;

/**
 * Where a client's service instance lives and under which epoch. {@code handoffId} is empty while
 * the instance simply serves, and names the handoff that holds it otherwise: the fencing token.
 */
public record ClientRecord(String clientId, String serviceKind, String instanceId, String site, long epoch, String handoffId) {

  public boolean inHandoff() {
    return !handoffId.isEmpty();
  }

  public ClientRecord lockedBy(String handoff) {
    return new ClientRecord(clientId, serviceKind, instanceId, site, epoch, handoff);
  }

  public ClientRecord serving() {
    return new ClientRecord(clientId, serviceKind, instanceId, site, epoch, "");
  }

  public ClientRecord movedTo(String target) {
    return new ClientRecord(clientId, serviceKind, instanceId, target, epoch + 1, "");
  }

  /**
   * Encoded with a fixed field order: the cluster map compares values by their serialized form
   * when it swaps them atomically.
   */
  public String encode() {
    return new JsonObject()
        .put("clientId", clientId)
        .put("serviceKind", serviceKind)
        .put("instanceId", instanceId)
        .put("site", site)
        .put("epoch", epoch)
        .put("handoffId", handoffId)
        .encode();
  }

  public static ClientRecord decode(String encoded) {
    JsonObject json = new JsonObject(encoded);
    return new ClientRecord(
        json.getString("clientId"),
        json.getString("serviceKind"),
        json.getString("instanceId"),
        json.getString("site"),
        json.getLong("epoch"),
        json.getString("handoffId"));
  }
}
