package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * A post-copy target holds every page: {@code faults} pages were demanded by the service, and
 * {@code bytes} of pages arrived after the resume in {@code micros}.
 */
public record PagesCompleted(String handoffId, String targetSite, long faults, long pages, long bytes, long micros)
    implements BatonEvent {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("handoffId", handoffId)
        .put("targetSite", targetSite)
        .put("faults", faults)
        .put("pages", pages)
        .put("bytes", bytes)
        .put("micros", micros);
  }

  public static PagesCompleted fromJson(JsonObject json) {
    return new PagesCompleted(json.getString("handoffId"), json.getString("targetSite"), json.getLong("faults"),
        json.getLong("pages"), json.getLong("bytes"), json.getLong("micros"));
  }
}
