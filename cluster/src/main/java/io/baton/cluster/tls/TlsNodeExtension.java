package io.baton.cluster.tls;

import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.DefaultNodeExtension;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.networking.ChannelInitializer;
import com.hazelcast.internal.server.ServerContext;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/** Hazelcast's open-source node, with every connection's channel wrapped in TLS. */
final class TlsNodeExtension extends DefaultNodeExtension {
  private final SSLContext context;

  TlsNodeExtension(Node node, SSLContext context) {
    super(node);
    this.context = context;
  }

  @Override
  public Function<EndpointQualifier, ChannelInitializer> createChannelInitializerFn(ServerContext serverContext) {
    Function<EndpointQualifier, ChannelInitializer> plain = super.createChannelInitializerFn(serverContext);
    return qualifier -> {
      ChannelInitializer initializer = plain.apply(qualifier);
      return initializer == null ? null : new TlsChannelInitializer(initializer, context);
    };
  }
}
