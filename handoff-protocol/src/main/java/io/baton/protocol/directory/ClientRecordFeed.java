package io.baton.protocol.directory;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Every change of the client directory, as the map's owner announces it: what keeps a member's
 * local view of {@code baton.clients} fresh without reading the map. The cluster member provides the
 * real one (a Hazelcast entry listener); {@link #NONE} announces nothing, and a view fed by it has
 * to fall back on re-reading what it holds.
 */
public interface ClientRecordFeed {
  ClientRecordFeed NONE = onChange -> Future.succeededFuture(() -> { });

  /**
   * Calls {@code onChange} with each record written from now on (added or replaced), on whatever
   * thread announces it, in write order per client. The future's value stops the feed.
   */
  Future<Runnable> subscribe(Consumer<ClientRecord> onChange);
}
