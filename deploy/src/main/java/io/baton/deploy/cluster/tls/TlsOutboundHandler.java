package io.baton.deploy.cluster.tls;

import com.hazelcast.internal.networking.HandlerStatus;
import com.hazelcast.internal.networking.OutboundHandler;
import java.io.EOFException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * Last in a connection's outbound pipeline: Hazelcast's encoded bytes in, TLS records out to the
 * socket. Until the handshake is done nothing of Hazelcast's crosses; the handler reports BLOCKED
 * while it waits for the peer, and the inbound handler wakes it when there is something to send.
 * Buffers follow Hazelcast's convention: {@code src} and {@code dst} stay in read mode between calls.
 */
final class TlsOutboundHandler extends OutboundHandler<ByteBuffer, ByteBuffer> {
  private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
  private final TlsSession session;

  TlsOutboundHandler(TlsSession session) {
    this.session = session;
  }

  @Override
  public void handlerAdded() {
    initDstBuffer(session.packetSize() * 2);
  }

  @Override
  public HandlerStatus onWrite() throws Exception {
    dst.compact();
    try {
      while (true) {
        HandshakeStatus handshake = session.engine().getHandshakeStatus();
        if (handshake == HandshakeStatus.NEED_TASK) {
          handshake = session.runTasks();
        }
        if (handshake == HandshakeStatus.NEED_UNWRAP || handshake == HandshakeStatus.NEED_UNWRAP_AGAIN) {
          // the peer's turn; whatever Hazelcast queued waits for the handshake to finish
          return HandlerStatus.BLOCKED;
        }
        ByteBuffer plain = src == null ? NOTHING : src;
        boolean handshaking = handshake != HandshakeStatus.NOT_HANDSHAKING;
        if (!handshaking && !plain.hasRemaining()) {
          return HandlerStatus.CLEAN;
        }
        if (dst.remaining() < session.packetSize()) {
          return HandlerStatus.DIRTY;
        }
        SSLEngineResult result = session.engine().wrap(plain, dst);
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
          throw new EOFException("the TLS session is closed");
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          return HandlerStatus.DIRTY;
        }
        HandshakeStatus after = result.getHandshakeStatus();
        if (after == HandshakeStatus.FINISHED || after == HandshakeStatus.NEED_UNWRAP) {
          // records the peer sent may be waiting for this side's handshake step
          session.wakeInbound();
        }
      }
    } finally {
      dst.flip();
    }
  }
}
