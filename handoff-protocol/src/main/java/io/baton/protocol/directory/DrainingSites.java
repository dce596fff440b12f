package io.baton.protocol.directory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Set;

/**
 * Sites whose agent is handing its clients away before it stops, in a replicated map: no handoff
 * may target one (a client moved there now would be stranded when it leaves). An agent marks its
 * site when its drain starts and clears the mark when it starts again; the mark outlives the agent,
 * which is harmless, since a site that left is not in the {@link SiteDirectory} either.
 */
public final class DrainingSites {
  public static final String MAP_NAME = "baton.draining";

  private final Vertx vertx;

  public DrainingSites(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, Long>> map() {
    return vertx.sharedData().getAsyncMap(MAP_NAME);
  }

  /** Marks {@code siteId} as draining since now. */
  public Future<Void> mark(String siteId) {
    return map().compose(m -> m.put(siteId, System.currentTimeMillis()));
  }

  public Future<Void> clear(String siteId) {
    return map().compose(m -> m.remove(siteId)).mapEmpty();
  }

  public Future<Boolean> contains(String siteId) {
    return map().compose(m -> m.get(siteId)).map(since -> since != null);
  }

  public Future<Set<String>> all() {
    return map().compose(AsyncMap::keys);
  }
}
