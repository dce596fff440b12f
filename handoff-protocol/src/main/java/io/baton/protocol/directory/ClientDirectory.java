package io.baton.protocol.directory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Optional;

/**
 * The cluster-wide record of every attached client. All changes of a record during a handoff are
 * compare-and-swap operations on the replicated map: that is what makes the epoch a fence. Exactly
 * one of "target commits" and "source resumes" can win the swap from the locked record.
 */
public final class ClientDirectory {
  public static final String MAP_NAME = "baton.clients";

  private final Vertx vertx;

  public ClientDirectory(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP_NAME);
  }

  public Future<Optional<ClientRecord>> find(String clientId) {
    return map().compose(m -> m.get(clientId)).map(encoded -> Optional.ofNullable(encoded).map(ClientRecord::decode));
  }

  /** Every client's record, by client id. */
  public Future<java.util.Map<String, ClientRecord>> all() {
    return map().compose(AsyncMap::entries).map(entries -> {
      java.util.Map<String, ClientRecord> records = new java.util.TreeMap<>();
      entries.forEach((id, encoded) -> records.put(id, ClientRecord.decode(encoded)));
      return records;
    });
  }

  /** Registers a new client; returns the record that is in force, ours or the one already there. */
  public Future<ClientRecord> registerIfAbsent(ClientRecord record) {
    return map().compose(m -> m.putIfAbsent(record.clientId(), record.encode()))
        .map(existing -> existing == null ? record : ClientRecord.decode(existing));
  }

  /** Atomically replaces {@code expected} by {@code next}; false if the record had changed. */
  public Future<Boolean> swap(ClientRecord expected, ClientRecord next) {
    return map().compose(m -> m.replaceIfPresent(expected.clientId(), expected.encode(), next.encode()));
  }
}
