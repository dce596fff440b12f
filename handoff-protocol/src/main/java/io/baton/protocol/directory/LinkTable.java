package io.baton.protocol.directory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Optional;

/** Emulated links by direction ("site-a>site-b"), cluster-wide so both ends of a link agree. */
public final class LinkTable {
  public static final String MAP_NAME = "baton.links";

  private final Vertx vertx;

  public LinkTable(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return vertx.sharedData().getAsyncMap(MAP_NAME);
  }

  /** Sets the link both ways. */
  public Future<Void> set(String siteA, String siteB, LinkProfile profile) {
    return map().compose(m -> m.put(key(siteA, siteB), profile.toJson()).compose(v -> m.put(key(siteB, siteA), profile.toJson())));
  }

  /** Removes emulation both ways: the link runs at the real network's speed. */
  public Future<Void> clear(String siteA, String siteB) {
    return map().compose(m -> m.remove(key(siteA, siteB)).compose(v -> m.remove(key(siteB, siteA)))).mapEmpty();
  }

  public Future<Optional<LinkProfile>> find(String from, String to) {
    return map().compose(m -> m.get(key(from, to))).map(json -> Optional.ofNullable(json).map(LinkProfile::fromJson));
  }

  private static String key(String from, String to) {
    return from + ">" + to;
  }
}
