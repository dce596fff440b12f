package io.baton.cluster.tls;

import com.hazelcast.internal.networking.Channel;
import com.hazelcast.internal.networking.ChannelInitializer;
import javax.net.ssl.SSLContext;

/**
 * Hazelcast's own initializer wrapped in TLS: ours is the first inbound handler and the last
 * outbound one, so every byte Hazelcast's protocol detector, encoders and decoders see or write
 * crossed a mutually authenticated TLS session.
 */
final class TlsChannelInitializer implements ChannelInitializer {
  private final ChannelInitializer plain;
  private final SSLContext context;

  TlsChannelInitializer(ChannelInitializer plain, SSLContext context) {
    this.plain = plain;
    this.context = context;
  }

  @Override
  public void initChannel(Channel channel) throws Exception {
    TlsSession session = new TlsSession(context, channel);
    channel.inboundPipeline().addLast(new TlsInboundHandler(session));
    plain.initChannel(channel);
    channel.outboundPipeline().addLast(new TlsOutboundHandler(session));
  }
}
