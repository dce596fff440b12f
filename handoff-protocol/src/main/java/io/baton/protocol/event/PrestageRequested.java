package io.baton.protocol.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Ask {@code targetSite} to fetch the named artifacts of an instance before {@code deadlineMs}. */
public record PrestageRequested(
    String prestageId, String instanceId, String sourceSite, String targetSite, List<String> artifacts, long deadlineMs)
    implements BatonEvent {

  /** The embedded runtime's artifact: the service's memory pages, as content-addressed chunks. */
  public static final String MEMORY_PAGES = "memory-pages";

  public PrestageRequested {
    artifacts = List.copyOf(artifacts);
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("prestageId", prestageId)
        .put("instanceId", instanceId)
        .put("sourceSite", sourceSite)
        .put("targetSite", targetSite)
        .put("artifacts", new JsonArray(artifacts))
        .put("deadlineMs", deadlineMs);
  }

  public static PrestageRequested fromJson(JsonObject json) {
    List<String> artifacts = json.getJsonArray("artifacts").stream().map(String.class::cast).toList();
    return new PrestageRequested(
        json.getString("prestageId"),
        json.getString("instanceId"),
        json.getString("sourceSite"),
        json.getString("targetSite"),
        artifacts,
        json.getLong("deadlineMs"));
  }
}
