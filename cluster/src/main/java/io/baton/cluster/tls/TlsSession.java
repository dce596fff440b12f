package io.baton.cluster.tls;

import com.hazelcast.internal.networking.Channel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * One Hazelcast connection's TLS engine, shared by its inbound and outbound handler, which run on
 * different threads (two I/O threads, or a caller's thread when Hazelcast writes through). The JDK
 * engine serializes wrap, unwrap and getHandshakeStatus, but a status read and a wrap are two
 * steps: the handlers act on each call's own result, never on a status read before it. The side
 * that connected is the TLS client; the accepting side requires the peer's certificate, so both
 * ends prove they hold a key the cluster CA signed.
 *
 * <p>Who runs a handler again: the inbound one runs when the socket has bytes, the outbound one
 * when Hazelcast writes (unless it is BLOCKED); neither runs because the engine changed state. So
 * whichever handler moves the handshake wakes the other, and only the inbound handler runs the
 * engine's delegated tasks (they come from unwrap): a task taken by the other thread would leave
 * the inbound handler stopped with records in its buffer and no one to wake it.
 */
final class TlsSession {
  /**
   * Room for the largest record an SSLEngine accepts (16 KiB of data plus the overhead of the
   * largest fragments, about 33 KB) and more: the pipeline captures the inbound source and the
   * outbound destination once, so they cannot be grown later, and a record that never fits would
   * never be read.
   */
  static final int NETWORK_BUFFER = 64 * 1024;

  private final SSLEngine engine;
  private final Channel channel;
  // Diagnostics only (TlsConnections): written by the handler threads, read racily by a stall report.
  long networkIn;
  long plainOut;
  long plainIn;
  long networkOut;
  String lastRead = "-";
  String lastWrite = "-";
  long lastReadAt;
  long lastWriteAt;
  int srcPending;
  int plainPending;
  int dstPending;

  TlsSession(SSLContext context, Channel channel) {
    this.channel = channel;
    this.engine = context.createSSLEngine();
    engine.setUseClientMode(channel.isClientMode());
    if (!channel.isClientMode()) {
      engine.setNeedClientAuth(true);
    }
    TlsConnections.add(this);
  }

  Channel channel() {
    return channel;
  }

  String describe(long now) {
    return channel.localSocketAddress() + (channel.isClientMode() ? " -> " : " <- ") + channel.remoteSocketAddress()
        + " hs " + engine.getHandshakeStatus()
        + " | in net " + networkIn + " plain " + plainOut + " src " + srcPending + " plain-held " + plainPending
        + " last " + lastRead + " " + (now - lastReadAt) + " ms ago"
        + " | out plain " + plainIn + " net " + networkOut + " dst " + dstPending
        + " last " + lastWrite + " " + (now - lastWriteAt) + " ms ago";
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

  /** Handshake steps the engine hands out (certificate checks) run here, on the inbound I/O thread: they are short. */
  HandshakeStatus runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
    return engine.getHandshakeStatus();
  }

  /** The engine moved: the outbound side may have a handshake message to send, or may send held data. */
  void wakeOutbound() {
    channel.outboundPipeline().wakeup();
  }

  /** A handshake message went out: records the inbound side held back for it can be unwrapped now. */
  void wakeInbound() {
    channel.inboundPipeline().wakeup();
  }
}
