package io.baton.cluster.tls;

import com.hazelcast.internal.networking.HandlerStatus;
import com.hazelcast.internal.networking.InboundHandler;
import java.io.EOFException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * First in a connection's inbound pipeline: TLS records from the socket in, plaintext out to
 * Hazelcast's own decoders. Buffers follow Hazelcast's convention: {@code src} and {@code dst}
 * stay in write mode between calls. Plaintext is unwrapped into a buffer of our own first, since
 * the next handler's buffer can be smaller than a TLS record (the protocol detector's is 3 bytes).
 *
 * <p>Statuses as NioInboundPipeline reads them: DIRTY runs the whole pipeline again at once (the
 * next handler empties its buffer, then this one continues); CLEAN waits for the socket or a
 * wakeup. So CLEAN is returned only when the bytes left in {@code src} are an incomplete record,
 * or when the engine waits for the outbound side to wrap (which wakes this pipeline when it has).
 */
final class TlsInboundHandler extends InboundHandler<ByteBuffer, ByteBuffer> {
  private final TlsSession session;
  private ByteBuffer plain;

  TlsInboundHandler(TlsSession session) {
    this.session = session;
  }

  @Override
  public void handlerAdded() {
    // the pipeline reads the socket into this buffer: it must hold the largest record whole
    initSrcBuffer(Math.max(TlsSession.NETWORK_BUFFER, session.packetSize()));
    plain = ByteBuffer.allocate(session.applicationSize()).flip();
  }

  @Override
  public HandlerStatus onRead() throws Exception {
    src.flip();
    HandlerStatus status = null;
    try {
      status = read();
      return status;
    } finally {
      session.lastRead = String.valueOf(status);
      session.lastReadAt = System.currentTimeMillis();
      session.srcPending = src.remaining();
      session.plainPending = plain.remaining();
      src.compact();
    }
  }

  private HandlerStatus read() throws Exception {
    {
      while (true) {
        if (!drainPlain()) {
          return HandlerStatus.DIRTY;
        }
        plain.clear();
        SSLEngineResult result;
        try {
          result = session.engine().unwrap(src, plain);
        } finally {
          plain.flip();
        }
        session.networkIn += result.bytesConsumed();
        session.plainOut += result.bytesProduced();
        HandshakeStatus handshake = result.getHandshakeStatus();
        boolean ranTasks = handshake == HandshakeStatus.NEED_TASK;
        if (ranTasks) {
          handshake = session.runTasks();
        }
        // Any step of the engine that was not application data (a handshake or post-handshake
        // message, a task) may be what the outbound side waits for: it is BLOCKED until woken.
        if (ranTasks || handshake == HandshakeStatus.NEED_WRAP || handshake == HandshakeStatus.FINISHED
            || (result.bytesConsumed() > 0 && result.bytesProduced() == 0)) {
          session.wakeOutbound();
        }
        switch (result.getStatus()) {
          case CLOSED:
            throw new EOFException("the peer closed the TLS session");
          case BUFFER_OVERFLOW:
            // plain is empty here: the session now wants a larger one
            plain = ByteBuffer.allocate(Math.max(session.applicationSize(), plain.capacity() * 2)).flip();
            break;
          case BUFFER_UNDERFLOW:
            if (src.position() == 0 && src.limit() == src.capacity()) {
              throw new SSLException("a TLS record larger than the receive buffer (" + src.capacity() + " bytes)");
            }
            // the rest of the record is still on its way: the socket runs us when it arrives
            return drainPlain() ? HandlerStatus.CLEAN : HandlerStatus.DIRTY;
          case OK:
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && !ranTasks) {
              // the engine wants to wrap before it reads on (woken above); that wrap wakes us
              return drainPlain() ? HandlerStatus.CLEAN : HandlerStatus.DIRTY;
            }
            break;
          default:
            throw new IllegalStateException(result.getStatus().toString());
        }
      }
    }
  }

  /** Moves what it can of {@code plain} to the next handler; true when nothing is left. */
  private boolean drainPlain() {
    if (!plain.hasRemaining()) {
      return true;
    }
    int count = Math.min(plain.remaining(), dst.remaining());
    ByteBuffer slice = plain.duplicate();
    slice.limit(slice.position() + count);
    dst.put(slice);
    plain.position(plain.position() + count);
    return !plain.hasRemaining();
  }
}
