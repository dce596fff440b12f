package io.baton.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.ClientRecordFeed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client directory's changes as the owner of each entry announces them: an entry listener on
 * {@code baton.clients} with values. Hazelcast delivers one key's events in the order they were
 * written. Registering and removing the listener are cluster operations that block, so they run on
 * a worker. This member's agent keeps its telemetry view with it (see the agent's ClientView for
 * why a view and not a near cache on the map).
 */
public final class HazelcastClientFeed implements ClientRecordFeed {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastClientFeed.class);

  private final Vertx vertx;

  private HazelcastClientFeed(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The feed of a member started by {@link ClusterMember}; {@link ClientRecordFeed#NONE} if it is not clustered on Hazelcast. */
  public static ClientRecordFeed of(Vertx member) {
    return member instanceof VertxInternal internal && internal.clusterManager() instanceof HazelcastClusterManager
        ? new HazelcastClientFeed(member) : ClientRecordFeed.NONE;
  }

  @Override
  public Future<Runnable> subscribe(Consumer<ClientRecord> onChange) {
    HazelcastInstance hazelcast = ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
    IMap<Object, Object> map = hazelcast.getMap(ClientDirectory.MAP_NAME);
    return vertx.executeBlocking(() -> {
      UUID registration = map.addEntryListener(new Listener(onChange), true);
      return () -> vertx.executeBlocking(() -> map.removeEntryListener(registration))
          .onFailure(e -> LOG.debug("removing the client directory listener: {}", e.getMessage()));
    });
  }

  private static final class Listener implements EntryAddedListener<Object, Object>, EntryUpdatedListener<Object, Object> {
    private final Consumer<ClientRecord> onChange;

    Listener(Consumer<ClientRecord> onChange) {
      this.onChange = onChange;
    }

    @Override
    public void entryAdded(EntryEvent<Object, Object> event) {
      announce(event);
    }

    @Override
    public void entryUpdated(EntryEvent<Object, Object> event) {
      announce(event);
    }

    private void announce(EntryEvent<Object, Object> event) {
      if (event.getValue() instanceof String encoded) {
        try {
          onChange.accept(ClientRecord.decode(encoded));
        } catch (RuntimeException e) {
          LOG.warn("an unreadable client record for {}: {}", event.getKey(), e.getMessage());
        }
      }
    }
  }
}
