package io.baton.protocol.directory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Map;
import java.util.TreeMap;

/** The cluster-wide list of live sites, kept in a replicated map. Agents add themselves on start. */
public final class SiteDirectory {
  public static final String MAP_NAME = "baton.sites";

  private final Vertx vertx;

  public SiteDirectory(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return vertx.sharedData().getAsyncMap(MAP_NAME);
  }

  public Future<Void> register(SiteInfo site) {
    return map().compose(m -> m.put(site.siteId(), site.toJson()));
  }

  public Future<Void> unregister(String siteId) {
    return map().compose(m -> m.remove(siteId)).mapEmpty();
  }

  /** Fails with {@link UnknownSiteException} if no such site is registered. */
  public Future<SiteInfo> lookup(String siteId) {
    return map().compose(m -> m.get(siteId)).compose(json -> json == null
        ? Future.failedFuture(new UnknownSiteException(siteId))
        : Future.succeededFuture(SiteInfo.fromJson(json)));
  }

  public Future<Map<String, SiteInfo>> all() {
    return map().compose(AsyncMap::entries).map(entries -> {
      Map<String, SiteInfo> sites = new TreeMap<>();
      entries.forEach((id, json) -> sites.put(id, SiteInfo.fromJson(json)));
      return sites;
    });
  }

  /** Thrown when a site id names no registered site. */
  public static final class UnknownSiteException extends RuntimeException {
    public UnknownSiteException(String siteId) {
      super("unknown site '" + siteId + "'", null, false, false);
    }
  }
}
