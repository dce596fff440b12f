package io.baton.deploy.cluster.tls;

import com.hazelcast.internal.networking.Channel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * One Hazelcast connection's TLS engine, shared by its inbound and outbound handler (which run on
 * different I/O threads: the JDK's SSLEngine allows one wrap and one unwrap at a time). The side
 * that connected is the TLS client; the accepting side requires the peer's certificate, so both
 * ends prove they hold a key the cluster CA signed.
 */
final class TlsSession {
  private final SSLEngine engine;
  private final Channel channel;

  TlsSession(SSLContext context, Channel channel) {
    this.channel = channel;
    this.engine = context.createSSLEngine();
    engine.setUseClientMode(channel.isClientMode());
    if (!channel.isClientMode()) {
      engine.setNeedClientAuth(true);
    }
  }

  SSLEngine engine() {
    return engine;
  }

  int packetSize() {
    return engine.getSession().getPacketBufferSize();
  }

  int applicationSize() {
    return engine.getSession().getApplicationBufferSize();
  }

  /** Handshake steps the engine hands out (certificate checks) run here, on the I/O thread: they are short. */
  HandshakeStatus runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
    return engine.getHandshakeStatus();
  }

  /** The other direction may now have something to send (a handshake message, or held data). */
  void wakeOutbound() {
    channel.outboundPipeline().wakeup();
  }

  void wakeInbound() {
    channel.inboundPipeline().wakeup();
  }
}
