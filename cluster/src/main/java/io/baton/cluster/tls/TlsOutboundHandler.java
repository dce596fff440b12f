package io.baton.cluster.tls;

import com.hazelcast.internal.networking.HandlerStatus;
import com.hazelcast.internal.networking.OutboundHandler;
import java.io.EOFException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Last in a connection's outbound pipeline: Hazelcast's encoded bytes in, TLS records out to the
 * socket. Buffers follow Hazelcast's convention: {@code src} and {@code dst} stay in read mode
 * between calls.
 *
 * <p>Statuses as NioOutboundPipeline reads them: DIRTY runs the pipeline again once the socket
 * can take more; CLEAN unschedules it until Hazelcast writes again; BLOCKED unschedules it and
 * ignores writes until a wakeup. So: CLEAN only when {@code src} is empty and the engine has
 * nothing of its own to send; BLOCKED only when the engine itself, in the wrap just made, refused
 * to move before the peer's next handshake message (the inbound side wakes us after each step).
 */
final class TlsOutboundHandler extends OutboundHandler<ByteBuffer, ByteBuffer> {
  private final ByteBuffer nothing = ByteBuffer.allocate(0);
  private final TlsSession session;

  TlsOutboundHandler(TlsSession session) {
    this.session = session;
  }

  @Override
  public void handlerAdded() {
    // the pipeline flushes this buffer to the socket: room for two of the largest records
    initDstBuffer(Math.max(TlsSession.NETWORK_BUFFER, 2 * session.packetSize()));
  }

  @Override
  public HandlerStatus onWrite() throws Exception {
    dst.compact();
    HandlerStatus status = null;
    try {
      status = write();
      return status;
    } finally {
      dst.flip();
      session.lastWrite = status + " on " + Thread.currentThread().getName();
      session.lastWriteAt = System.currentTimeMillis();
      session.dstPending = dst.remaining();
    }
  }

  private HandlerStatus write() throws Exception {
    {
      while (true) {
        ByteBuffer plain = src == null ? nothing : src;
        if (!plain.hasRemaining() && session.engine().getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
          // If the engine comes to need a wrap after this read, the inbound side that moved it wakes us.
          return HandlerStatus.CLEAN;
        }
        int packet = session.packetSize();
        if (packet > dst.capacity()) {
          throw new SSLException("a TLS record larger than the send buffer (" + dst.capacity() + " bytes)");
        }
        if (dst.remaining() < packet) {
          // the socket has not taken the last records: DIRTY flushes and runs us again when it can
          return HandlerStatus.DIRTY;
        }
        SSLEngineResult result = session.engine().wrap(plain, dst);
        HandshakeStatus handshake = result.getHandshakeStatus();
        session.plainIn += result.bytesConsumed();
        session.networkOut += result.bytesProduced();
        switch (result.getStatus()) {
          case CLOSED:
            throw new EOFException("the TLS session is closed");
          case BUFFER_OVERFLOW:
            return HandlerStatus.DIRTY;
          case OK:
            break;
          default:
            throw new IllegalStateException(result.getStatus().toString());
        }
        if ((result.bytesProduced() > 0 && result.bytesConsumed() == 0)
            || handshake == HandshakeStatus.FINISHED || handshake == HandshakeStatus.NEED_UNWRAP) {
          // a handshake or post-handshake message went out: the inbound side may hold records back for it
          session.wakeInbound();
        }
        if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
          switch (handshake) {
            case NEED_UNWRAP:
            case NEED_UNWRAP_AGAIN:
            case NEED_TASK:
              // Before the handshake is done the engine wraps no data: the peer's turn, or a task the
              // inbound side runs. Each step there wakes us; a wakeup during this call reschedules.
              return HandlerStatus.BLOCKED;
            case FINISHED:
              break;
            default:
              // nothing moved and nothing to wait for: try again when the socket is writable
              return HandlerStatus.DIRTY;
          }
        }
      }
    }
  }
}
