package io.baton.deploy.cluster.tls;

import com.hazelcast.internal.networking.HandlerStatus;
import com.hazelcast.internal.networking.InboundHandler;
import java.io.EOFException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * First in a connection's inbound pipeline: TLS records from the socket in, plaintext out to
 * Hazelcast's own decoders. Buffers follow Hazelcast's convention: {@code src} and {@code dst}
 * stay in write mode between calls. Plaintext is unwrapped into a buffer of our own first, since
 * the next handler's buffer can be smaller than a TLS record (the protocol detector's is 3 bytes).
 */
final class TlsInboundHandler extends InboundHandler<ByteBuffer, ByteBuffer> {
  private final TlsSession session;
  private ByteBuffer plain;

  TlsInboundHandler(TlsSession session) {
    this.session = session;
  }

  @Override
  public void handlerAdded() {
    initSrcBuffer(session.packetSize());
    plain = ByteBuffer.allocate(session.applicationSize());
    plain.flip();
  }

  @Override
  public HandlerStatus onRead() throws Exception {
    src.flip();
    try {
      while (true) {
        drainPlain();
        if (plain.hasRemaining()) {
          return HandlerStatus.DIRTY;
        }
        plain.clear();
        SSLEngineResult result;
        try {
          result = session.engine().unwrap(src, plain);
        } finally {
          plain.flip();
        }
        HandshakeStatus handshake = result.getHandshakeStatus();
        if (handshake == HandshakeStatus.NEED_TASK) {
          handshake = session.runTasks();
        }
        if (handshake == HandshakeStatus.NEED_WRAP || handshake == HandshakeStatus.FINISHED) {
          session.wakeOutbound();
        }
        switch (result.getStatus()) {
          case CLOSED:
            throw new EOFException("the peer closed the TLS session");
          case BUFFER_UNDERFLOW:
            drainPlain();
            return plain.hasRemaining() ? HandlerStatus.DIRTY : HandlerStatus.CLEAN;
          case BUFFER_OVERFLOW:
            // a record larger than the session said; grow once and retry
            plain = ByteBuffer.allocate(session.applicationSize() * 2).flip();
            break;
          case OK:
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
                && handshake != HandshakeStatus.NEED_UNWRAP) {
              drainPlain();
              return plain.hasRemaining() ? HandlerStatus.DIRTY : HandlerStatus.CLEAN;
            }
            break;
          default:
            throw new IllegalStateException(result.getStatus().toString());
        }
      }
    } finally {
      src.compact();
    }
  }

  private void drainPlain() {
    if (!plain.hasRemaining() || dst == null) {
      return;
    }
    int count = Math.min(plain.remaining(), dst.remaining());
    if (count == plain.remaining()) {
      dst.put(plain);
    } else {
      ByteBuffer slice = plain.duplicate();
      slice.limit(slice.position() + count);
      dst.put(slice);
      plain.position(plain.position() + count);
    }
  }
}
