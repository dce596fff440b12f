package io.baton.broker.journal;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.Set;
import java.util.UUID;

/** This member's node id and the node ids of the members alive now. */
public interface ClusterView {
  String localNode();

  Set<String> liveNodes();

  /**
   * Reads the cluster manager's view (Hazelcast's member list). Only read, never listened to: the
   * cluster manager has a single node listener, and Vert.x itself uses it.
   */
  static ClusterView of(Vertx vertx) {
    ClusterManager manager = vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
    if (manager == null) {
      String alone = "local-" + UUID.randomUUID();
      return new ClusterView() {
        public String localNode() {
          return alone;
        }

        public Set<String> liveNodes() {
          return Set.of(alone);
        }
      };
    }
    return new ClusterView() {
      public String localNode() {
        return manager.getNodeId();
      }

      public Set<String> liveNodes() {
        return Set.copyOf(manager.getNodes());
      }
    };
  }
}
