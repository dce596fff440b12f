package io.baton.agent.runtime.container;

import com.google.protobuf.ByteString;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.agent.transfer.TransferPlane;
import io.baton.protocol.grpc.PageStream;
import io.baton.protocol.grpc.TransferGrpcClient;
import io.baton.protocol.grpc.TransferGrpcService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcReadStream;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CRIU's post-copy page traffic on the transfer plane. CRIU's lazy-pages daemon at the target and
 * its page server at the source speak over one TCP connection; left to themselves they would make
 * a second plane beside this one, outside its mutual TLS and its emulated links. Here the target
 * gives its daemon a local listener instead of the source's address, and every byte the daemon
 * sends or receives crosses the plane as one {@code RelayPages} stream, paced by the sender's
 * emulated link like any other transfer; the source connects that stream to the page server it
 * runs for the instance, and to nothing else.
 */
public final class PageRelay {
  private static final Logger LOG = LoggerFactory.getLogger(PageRelay.class);
  /** The page server runs on this host: a connection that takes longer is not coming. */
  static final Duration CONNECT_DEADLINE = Duration.ofSeconds(5);

  private final Context context;
  private final String siteId;
  private final String host;
  private final int planePort;
  private final LinkEmulator links;
  private final GrpcClient grpc;
  private final NetClient pageServers;
  /** Source side: the page server CRIU runs for each instance frozen here, by instance. */
  private final Map<String, SocketAddress> served = new ConcurrentHashMap<>();
  /** Target side: the listener each lazy restore's daemon connects to, by instance. */
  private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
  private final AtomicLong bytesSent = new AtomicLong();

  public PageRelay(TransferPlane plane) {
    this.context = plane.context();
    this.siteId = plane.site().siteId();
    this.host = plane.site().host();
    this.planePort = plane.site().transferPort();
    this.links = plane.links();
    this.grpc = plane.clients().grpc();
    this.pageServers = plane.vertx().createNetClient(new NetClientOptions()
        .setConnectTimeout((int) CONNECT_DEADLINE.toMillis()).setTcpNoDelay(true));
    plane.server().callHandler(TransferGrpcService.RelayPages, this::relayToPageServer);
  }

  /** Where other sites reach this relay: the site's plane, as a post-copy restore request names it. */
  public String endpoint() {
    return host + ":" + planePort;
  }

  /** Every byte this site's relays have sent to other sites so far. */
  public long bytesSent() {
    return bytesSent.get();
  }

  /** Source side: {@code instanceId}'s frozen copy serves its pages at {@code pageServer}; relay streams for it go there. */
  public void serve(String instanceId, SocketAddress pageServer) {
    served.put(instanceId, pageServer);
  }

  /** Source side: the instance's page server is gone (released or resumed); no stream reaches it any more. */
  public void forget(String instanceId) {
    served.remove(instanceId);
  }

  /**
   * Target side: a listener on this site's host for one connection, the lazy-pages daemon of
   * {@code instanceId}'s restore, relayed to the plane of {@code sourceSite} at {@code source}
   * (host:port). Completes with the listener's address.
   */
  public Future<SocketAddress> open(String instanceId, String sourceSite, String source) {
    int colon = source.lastIndexOf(':');
    if (colon <= 0 || !source.substring(colon + 1).matches("\\d{1,5}") || sourceSite.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException(
          "a lazy page source is a site and its plane's host:port, got '" + sourceSite + "' at '" + source + "'"));
    }
    SocketAddress plane = SocketAddress.inetSocketAddress(Integer.parseInt(source.substring(colon + 1)), source.substring(0, colon));
    Promise<SocketAddress> opened = Promise.promise();
    context.runOnContext(v -> {
      Listener listener = new Listener(instanceId, sourceSite, plane);
      Listener earlier = listeners.put(instanceId, listener);
      if (earlier != null) {
        earlier.close();
      }
      links.refresh(sourceSite)
          .compose(profile -> listener.listen())
          .onComplete(opened);
    });
    return opened.future();
  }

  /** Target side: ends the relay of {@code instanceId}'s restore, if one runs (its pages are all here, or it failed). */
  public void close(String instanceId) {
    Listener listener = listeners.remove(instanceId);
    if (listener != null) {
      context.runOnContext(v -> listener.close());
    }
  }

  /** The source's end of a stream: its first message names the instance; from then on bytes in both directions. */
  private void relayToPageServer(GrpcServerRequest<PageStream, PageStream> call) {
    call.pause();
    // Anything delivered before the page server's socket is joined waits here, in order.
    List<PageStream> early = new ArrayList<>();
    call.handler(first -> {
      call.pause();
      early.add(first);
      if (early.size() > 1) {
        return;
      }
      SocketAddress pageServer = served.get(first.getInstanceId());
      if (pageServer == null || first.getFromSite().isBlank()) {
        call.response().status(GrpcStatus.NOT_FOUND)
            .statusMessage(siteId + " serves no pages of " + first.getInstanceId() + " (not frozen post-copy here)").end();
        return;
      }
      // Pages to the asking site cross this site's emulated link to it, whatever the source's saga has refreshed.
      links.refresh(first.getFromSite()).transform(profile -> pageServers.connect(pageServer)).onComplete(connected -> {
        if (connected.failed()) {
          LOG.warn("page server of {} at {} did not take the relay from {}: {}", first.getInstanceId(), pageServer,
              first.getFromSite(), connected.cause().getMessage());
          call.response().status(GrpcStatus.UNAVAILABLE).statusMessage("page server of " + first.getInstanceId()
              + " at " + siteId + " is not reachable: " + connected.cause().getMessage()).end();
          return;
        }
        NetSocket socket = connected.result();
        Runnable stop = () -> {
          socket.close();
          call.response().cancel();
        };
        toStream(socket, call.response(), first.getFromSite(), stop, call.response()::end);
        toSocket(call, socket, stop);
        for (PageStream waiting : early) {
          if (!waiting.getData().isEmpty()) {
            socket.write(Buffer.buffer(waiting.getData().toByteArray()));
          }
        }
        early.clear();
        // The target learns at once that its relay stands; CRIU's page server speaks only when asked.
        call.response().writeHead();
        call.resume();
      });
    });
    call.exceptionHandler(e -> LOG.debug("relay stream from a target ended: {}", e.getMessage()));
    call.resume();
  }

  /** One lazy restore's listener at the target and, once the daemon connected, its stream to the source. */
  private final class Listener {
    private final String instanceId;
    private final String sourceSite;
    private final SocketAddress plane;
    private NetServer server;
    private NetSocket daemon;
    private GrpcClientRequest<PageStream, PageStream> stream;
    private boolean closed;

    Listener(String instanceId, String sourceSite, SocketAddress plane) {
      this.instanceId = instanceId;
      this.sourceSite = sourceSite;
      this.plane = plane;
    }

    Future<SocketAddress> listen() {
      server = context.owner().createNetServer(new NetServerOptions().setHost(host).setPort(0).setTcpNoDelay(true))
          .connectHandler(this::accept);
      return server.listen().map(s -> SocketAddress.inetSocketAddress(s.actualPort(), host));
    }

    /** Only the first connection is the daemon's; the relay carries one page connection and no other. */
    private void accept(NetSocket socket) {
      if (closed || daemon != null) {
        socket.close();
        return;
      }
      // The listener stays until the relay closes: closing a Vert.x server closes what it accepted.
      daemon = socket;
      socket.pause();
      grpc.request(plane, TransferGrpcClient.RelayPages).onComplete(requested -> {
        if (requested.failed() || closed) {
          LOG.warn("no relay to {}'s plane at {} for the pages of {}: {}", sourceSite, plane, instanceId,
              requested.failed() ? requested.cause().getMessage() : "closed");
          socket.close();
          return;
        }
        stream = requested.result();
        stream.write(PageStream.newBuilder().setInstanceId(instanceId).setFromSite(siteId).build());
        // The daemon speaks first (its page requests): its bytes flow before the source's answer comes.
        toStream(socket, stream, sourceSite, this::close, stream::end);
        socket.resume();
        stream.response().onComplete(answered -> {
          if (answered.failed()) {
            LOG.warn("{}'s plane did not answer the relay of {}: {}", sourceSite, instanceId, answered.cause().getMessage());
            close();
            return;
          }
          toSocket(answered.result(), socket, this::close);
        });
      });
    }

    /** Cancels the stream first: the source must see an abort, not the end a closing daemon socket would send. */
    void close() {
      closed = true;
      if (stream != null) {
        try {
          stream.cancel();
        } catch (IllegalStateException alreadyEnded) {
          // the stream ended on its own: nothing left to cancel
        }
      }
      if (daemon != null) {
        daemon.close();
      }
      if (server != null) {
        server.close();
      }
    }
  }

  /**
   * CRIU's bytes onto the stream: paced on this site's emulated link to {@code peer} and written in
   * the order they came; the stream ends once CRIU's socket closes and all of it is written.
   * Either failing closes both ({@code stop}).
   */
  private void toStream(NetSocket socket, WriteStream<PageStream> out, String peer, Runnable stop, Runnable endStream) {
    Future<?>[] delivered = {Future.succeededFuture()};
    socket.handler(bytes -> {
      socket.pause();
      Future<?> previous = delivered[0];
      Promise<Void> written = Promise.promise();
      delivered[0] = written.future();
      links.transmit(peer, bytes.length()).onComplete(sent -> {
        links.propagate(peer).onComplete(arrived -> previous.onComplete(inOrder -> {
          bytesSent.addAndGet(bytes.length());
          try {
            out.write(PageStream.newBuilder().setData(ByteString.copyFrom(bytes.getBytes())).build());
          } catch (IllegalStateException failed) {
            stop.run();
          }
          written.complete();
        }));
        if (out.writeQueueFull()) {
          out.drainHandler(drained -> socket.resume());
        } else {
          socket.resume();
        }
      });
    });
    socket.endHandler(closed -> delivered[0].onComplete(all -> {
      try {
        endStream.run();
      } catch (IllegalStateException alreadyFailed) {
        // the stream failed first (the other end is gone): nothing left to end
      }
    }));
    socket.exceptionHandler(failed -> stop.run());
  }

  /**
   * The stream's bytes into CRIU's socket as they come, the stream paused while the socket is
   * full. The stream ending closes the socket; the stream failing or being cancelled (the other
   * end's restore aborted, its relay closed) closes both ({@code stop}).
   */
  private static void toSocket(ReadStream<PageStream> in, NetSocket socket, Runnable stop) {
    in.handler(message -> {
      socket.write(Buffer.buffer(message.getData().toByteArray()));
      if (socket.writeQueueFull()) {
        in.pause();
        socket.drainHandler(drained -> in.resume());
      }
    });
    in.endHandler(ended -> socket.close());
    in.exceptionHandler(failed -> stop.run());
    if (in instanceof GrpcReadStream<PageStream> stream) {
      stream.errorHandler(cancelled -> stop.run());
    }
  }
}
