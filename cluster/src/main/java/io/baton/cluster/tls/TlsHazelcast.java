package io.baton.cluster.tls;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.instance.impl.NodeExtension;
import javax.net.ssl.SSLContext;

/**
 * Starts a Hazelcast member whose connections are all TLS with mutual authentication. Hazelcast's
 * open-source edition has no TLS (its SSLConfig is an Enterprise feature), so the TLS sits in the
 * connection pipeline through the node extension the instance is built with.
 */
public final class TlsHazelcast {
  static {
    io.baton.protocol.health.StallWatchdog.addDiagnostics(TlsConnections::describe);
  }

  private TlsHazelcast() {
  }

  /** {@code context}: presents this member's certificate and trusts the cluster CA only. */
  public static HazelcastInstance start(Config config, SSLContext context) {
    DefaultNodeContext nodeContext = new DefaultNodeContext() {
      @Override
      public NodeExtension createNodeExtension(Node node) {
        return new TlsNodeExtension(node, context);
      }
    };
    String name = config.getInstanceName() != null ? config.getInstanceName()
        : "baton-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    return HazelcastInstanceFactory.newHazelcastInstance(config, name, nodeContext);
  }
}
