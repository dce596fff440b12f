package io.baton.cluster.tls;

import com.hazelcast.internal.networking.nio.NioInboundPipeline;
import com.hazelcast.internal.networking.nio.NioOutboundPipeline;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Every live cluster TLS session of this process, so a stall report can say, per connection, where
 * the bytes are: in the socket's receive buffer, in the engine, in plaintext not yet handed on, or
 * queued for the socket. A stall with every thread idle is a wakeup nobody sent; this shows whose.
 */
public final class TlsConnections {
  private static final Set<TlsSession> SESSIONS = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private TlsConnections() {
  }

  static void add(TlsSession session) {
    SESSIONS.add(session);
  }

  /** One line per open connection. */
  public static String describe() {
    StringBuilder text = new StringBuilder("cluster TLS connections:\n");
    TlsSession[] sessions;
    synchronized (SESSIONS) {
      sessions = SESSIONS.toArray(new TlsSession[0]);
    }
    long now = System.currentTimeMillis();
    for (TlsSession session : sessions) {
      if (session.channel().isClosed()) {
        continue;
      }
      text.append("  ").append(session.describe(now));
      if (session.channel().outboundPipeline() instanceof NioOutboundPipeline out) {
        text.append(" | hz-out frames pending ").append(out.totalFramesPending())
            .append(" state ").append(outboundState(out))
            .append(" last write ").append(now - out.lastWriteTimeMillis()).append(" ms ago");
      }
      if (session.channel().inboundPipeline() instanceof NioInboundPipeline in) {
        text.append(" | hz-in last read ").append(now - in.lastReadTimeMillis()).append(" ms ago");
      }
      text.append('\n');
    }
    return text.toString();
  }

  private static Object outboundState(NioOutboundPipeline pipeline) {
    try {
      Field scheduled = NioOutboundPipeline.class.getDeclaredField("scheduled");
      scheduled.setAccessible(true);
      return ((java.util.concurrent.atomic.AtomicReference<?>) scheduled.get(pipeline)).get();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "?";
    }
  }

  static Map<String, Integer> count() {
    return Map.of("sessions", SESSIONS.size());
  }
}
