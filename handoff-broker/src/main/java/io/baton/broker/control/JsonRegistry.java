package io.baton.broker.control;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Named JSON records in a replicated cluster map, shared by every broker: nodes, profiles, deployments. */
final class JsonRegistry {
  private final Vertx vertx;
  private final String mapName;

  JsonRegistry(Vertx vertx, String mapName) {
    this.vertx = vertx;
    this.mapName = mapName;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(mapName);
  }

  Future<Void> put(String name, JsonObject record) {
    return map().compose(m -> m.put(name, record.encode()));
  }

  Future<JsonObject> get(String name) {
    return map().compose(m -> m.get(name)).map(encoded -> encoded == null ? null : new JsonObject(encoded));
  }

  /** Every record, ordered by name. */
  Future<List<JsonObject>> all() {
    return map().compose(AsyncMap::entries).map(entries -> {
      List<JsonObject> records = new ArrayList<>();
      new TreeMap<>(entries).values().forEach(encoded -> records.add(new JsonObject(encoded)));
      return records;
    });
  }
}
