package io.baton.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.networking.Channel;
import com.hazelcast.internal.networking.ChannelCloseListener;
import com.hazelcast.internal.networking.ChannelOption;
import com.hazelcast.internal.networking.ChannelOptions;
import com.hazelcast.internal.networking.HandlerStatus;
import com.hazelcast.internal.networking.InboundHandler;
import com.hazelcast.internal.networking.InboundPipeline;
import com.hazelcast.internal.networking.OutboundFrame;
import com.hazelcast.internal.networking.OutboundHandler;
import com.hazelcast.internal.networking.OutboundPipeline;
import com.hazelcast.map.IMap;
import io.baton.pki.DevCertificateAuthority;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The member-to-member TLS pipeline (cluster/tls) moves every byte, under the classic failures of
 * an SSLEngine in a non-blocking pipeline and under real load.
 *
 * <p>{@link Handlers}: the two handlers of each end of one connection, over a real SSLEngine pair
 * (the cluster CA's member certificates, TLS 1.3), driven the way Hazelcast's NioInboundPipeline and
 * NioOutboundPipeline drive them: a handler runs when its socket is readable (inbound), when frames
 * were written and it is not BLOCKED (outbound), when it returned DIRTY, or when the other direction
 * woke it. Nothing else runs it; so a handler that returns CLEAN or BLOCKED while bytes wait in its
 * buffers, and nothing wakes it, leaves the connection silent, which here fails as "stalled". Only
 * the Channel and the two pipelines' wakeup are stand-ins; buffers, handlers and engines are real.
 *
 * <p>{@link Cluster}: three members started as {@link ClusterMember} starts them, on 127.0.88.x,
 * with thousands of concurrent IMap operations (values from a few bytes to 1 MiB, larger than a TLS
 * record and than every buffer of the pipeline) and large event bus messages between them. A stalled
 * pipeline shows as operations that never complete: each batch has a deadline.
 */
class TlsPipelineTest {

  @TempDir
  static Path credentials;

  private static DevCertificateAuthority authority;

  @BeforeAll
  static void authority() {
    authority = DevCertificateAuthority.open(credentials);
  }

  @Nested
  class Handlers {
    private final SSLContext clientTls = authority.issueMember("member-a", List.of("127.0.88.11")).memberTls();
    private final SSLContext serverTls = authority.issueMember("member-b", List.of("127.0.88.12")).memberTls();

    @Test
    void severalRecordsInOneRead() throws Exception {
      Link link = new Link(clientTls, serverTls, 128 * 1024, Integer.MAX_VALUE);
      link.exchange(bytes(1, 100), bytes(2, 100));
      // fifty records on the wire before the peer reads once: one read holds them all
      byte[][] small = new byte[50][];
      for (int i = 0; i < small.length; i++) {
        small[i] = bytes(10 + i, 40 + i);
        link.client.send(small[i]);
        link.client.runOutbound();
        link.server.send(small[i]);
        link.server.runOutbound();
      }
      assertTrue(link.server.wire.available() > 50 * 40, "the records wait on the wire together");
      link.run();
      link.assertDelivered();
    }

    @Test
    void recordSplitOverReadsByteByByte() throws Exception {
      // every read delivers one byte: the handshake, each record and its header arrive in pieces
      Link link = new Link(clientTls, serverTls, 128 * 1024, 1);
      link.exchange(bytes(3, 40_000), bytes(4, 40_000));
    }

    @Test
    void frameLargerThanEveryBuffer() throws Exception {
      // one megabyte each way: many records, more than the sender's source buffer (64 KiB), the
      // TLS buffers (one record) and the receiving handler's buffer (1 KiB)
      Link link = new Link(clientTls, serverTls, 1024, Integer.MAX_VALUE);
      link.exchange(bytes(5, 1 << 20), bytes(6, 1 << 20));
    }

    @Test
    void nextHandlerBufferOfThreeBytes() throws Exception {
      // Hazelcast's protocol detector reads into a 3-byte buffer: plaintext must wait for it
      Link link = new Link(clientTls, serverTls, 3, Integer.MAX_VALUE);
      link.exchange(bytes(7, 100_000), bytes(8, 3));
      link.exchange(bytes(9, 1), bytes(10, 70_000));
    }

    @Test
    void postHandshakeMessages() throws Exception {
      // TLS 1.3 sends a NewSessionTicket after the handshake; a KeyUpdate (which the JDK sends on
      // its own at key limits) asks the peer for one back, while data keeps flowing both ways
      Link link = new Link(clientTls, serverTls, 16 * 1024, 7_000);
      link.exchange(bytes(11, 20_000), bytes(12, 20_000));
      link.server.keyUpdate();
      link.exchange(bytes(13, 50_000), bytes(14, 50_000));
      link.client.keyUpdate();
      link.server.keyUpdate();
      link.exchange(bytes(15, 30_000), bytes(16, 30_000));
    }

    @Test
    void trafficBothWaysInManySmallWrites() throws Exception {
      Link link = new Link(clientTls, serverTls, 4096, 5_000);
      Random random = new Random(17);
      for (int round = 0; round < 200; round++) {
        link.client.send(bytes(round, 1 + random.nextInt(3_000)));
        link.server.send(bytes(round + 1000, 1 + random.nextInt(3_000)));
        link.step();
      }
      link.run();
      link.assertDelivered();
    }
  }

  /** One TLS connection: a client end (the member that connected) and a server end. */
  private static final class Link {
    final End client;
    final End server;

    Link(SSLContext clientTls, SSLContext serverTls, int nextBuffer, int readChunk) throws Exception {
      client = new End("client", clientTls, true, nextBuffer, readChunk);
      server = new End("server", serverTls, false, nextBuffer, readChunk);
      client.peer = server;
      server.peer = client;
    }

    void exchange(byte[] fromClient, byte[] fromServer) throws Exception {
      client.send(fromClient);
      server.send(fromServer);
      run();
      assertDelivered();
    }

    /** Runs whatever Hazelcast would run until both ends got everything, or nothing can run. */
    void run() throws Exception {
      long unchanged = 0;
      long progress = -1;
      while (!client.allReceived() || !server.allReceived()) {
        if (!step()) {
          fail("stalled: nothing is scheduled, yet " + client.describe() + "; " + server.describe());
        }
        long now = client.progress() + server.progress();
        unchanged = now == progress ? unchanged + 1 : 0;
        progress = now;
        if (unchanged > 20_000) {
          fail("spinning without moving a byte: " + client.describe() + "; " + server.describe());
        }
      }
    }

    boolean step() throws Exception {
      boolean ran = client.runOutbound();
      ran |= server.runInbound();
      ran |= server.runOutbound();
      ran |= client.runInbound();
      return ran;
    }

    void assertDelivered() {
      assertArrayEquals(client.sent.toByteArray(), server.received.toByteArray(), "client to server");
      assertArrayEquals(server.sent.toByteArray(), client.received.toByteArray(), "server to client");
    }
  }

  /**
   * One end of a connection, scheduled as Hazelcast schedules its pipelines. The outbound side:
   * an encoder stand-in fills the TLS handler's source (64 KiB, read mode, as PacketEncoder's
   * destination is) and reports DIRTY while frames remain; the pipeline's status is the last
   * handler's non-CLEAN status; DIRTY or bytes left in the send buffer run it again (OP_WRITE);
   * BLOCKED ignores new writes until a wakeup. The inbound side: a read moves at most
   * {@code readChunk} bytes from the wire into the TLS handler's source (the pipeline's receive
   * buffer, captured once as NioInboundPipeline does); DIRTY runs the handlers again at once.
   */
  private static final class End {
    final String name;
    final Channel channel;
    final InboundHandler<ByteBuffer, ByteBuffer> in;
    final OutboundHandler<ByteBuffer, ByteBuffer> out;
    final Object session;
    final ByteBuffer receiveBuffer;
    final ByteBuffer encoded = ByteBuffer.allocate(64 * 1024).flip();
    final ByteBuffer next;
    final int readChunk;
    final Wire wire = new Wire();
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    End peer;
    byte[] frames = new byte[0];
    int framesTaken;
    boolean outScheduled = true;
    boolean inWoken;
    HandlerStatus outStatus = HandlerStatus.CLEAN;
    HandlerStatus inStatus = HandlerStatus.CLEAN;

    @SuppressWarnings("unchecked")
    End(String name, SSLContext tls, boolean clientMode, int nextBuffer, int readChunk) throws Exception {
      this.name = name;
      this.readChunk = readChunk;
      this.channel = new StandInChannel(clientMode, this);
      this.session = construct("TlsSession", new Class<?>[] {SSLContext.class, Channel.class}, tls, channel);
      Class<?> sessionType = session.getClass();
      in = (InboundHandler<ByteBuffer, ByteBuffer>) construct("TlsInboundHandler", new Class<?>[] {sessionType}, session);
      out = (OutboundHandler<ByteBuffer, ByteBuffer>) construct("TlsOutboundHandler", new Class<?>[] {sessionType}, session);
      // as the pipelines' addLast and updatePipeline do
      in.setChannel(channel).handlerAdded();
      out.setChannel(channel).handlerAdded();
      next = ByteBuffer.allocate(nextBuffer);
      in.dst(next);
      out.src(encoded);
      receiveBuffer = in.src();
    }

    /** Frames written to the connection: Hazelcast's write(), which does not schedule a BLOCKED pipeline. */
    void send(byte[] data) {
      sent.writeBytes(data);
      byte[] all = Arrays.copyOf(frames, frames.length + data.length);
      System.arraycopy(data, 0, all, frames.length, data.length);
      frames = all;
      if (outStatus != HandlerStatus.BLOCKED) {
        outScheduled = true;
      }
    }

    /** What a TLS 1.3 engine does by itself at its key limits: a KeyUpdate asking for the peer's. */
    void keyUpdate() throws Exception {
      Method engine = session.getClass().getDeclaredMethod("engine");
      engine.setAccessible(true);
      ((javax.net.ssl.SSLEngine) engine.invoke(session)).beginHandshake();
      outScheduled = true;
    }

    boolean runOutbound() throws Exception {
      if (!outScheduled) {
        return false;
      }
      outScheduled = false;
      // the encoder: as much of the queued frames as its buffer takes
      encoded.compact();
      int take = Math.min(encoded.remaining(), frames.length - framesTaken);
      encoded.put(frames, framesTaken, take);
      framesTaken += take;
      encoded.flip();
      HandlerStatus encoder = framesTaken < frames.length ? HandlerStatus.DIRTY : HandlerStatus.CLEAN;
      HandlerStatus tls = out.onWrite();
      HandlerStatus status = tls != HandlerStatus.CLEAN ? tls : encoder;
      // flushToSocket: the socket takes everything
      peer.wire.put(out.dst());
      if (status == HandlerStatus.DIRTY) {
        outScheduled = true;
      }
      outStatus = status;
      return true;
    }

    boolean runInbound() throws Exception {
      if (!inWoken && wire.available() == 0) {
        return false;
      }
      inWoken = false;
      wire.read(receiveBuffer, readChunk);
      HandlerStatus status;
      int rounds = 0;
      do {
        status = in.onRead();
        next.flip();
        received.write(next.array(), next.position(), next.remaining());
        next.clear();
        if (++rounds > 1_000_000) {
          fail(name + ": the inbound handler stays DIRTY without end");
        }
      } while (status == HandlerStatus.DIRTY);
      inStatus = status;
      return true;
    }

    boolean allReceived() {
      return received.size() == peer.sent.size();
    }

    long progress() {
      return wire.read + wire.written + received.size() + framesTaken;
    }

    String describe() {
      return name + " received " + received.size() + " of " + peer.sent.size() + " bytes (outbound "
          + outStatus + ", inbound " + inStatus + ", " + wire.available() + " bytes on its wire, "
          + receiveBuffer.position() + " in its receive buffer, " + encoded.remaining()
          + " waiting to be wrapped)";
    }

    private static Object construct(String type, Class<?>[] parameters, Object... arguments) throws Exception {
      // the handlers are package-private: the pipeline is not an API
      Constructor<?> constructor = Class.forName("io.baton.cluster.tls." + type).getDeclaredConstructor(parameters);
      constructor.setAccessible(true);
      return constructor.newInstance(arguments);
    }
  }

  /** Bytes in flight from one end's socket to the other's. */
  private static final class Wire {
    private byte[] data = new byte[1 << 16];
    private int start;
    private int end;
    long written;
    long read;

    void put(ByteBuffer from) {
      int count = from.remaining();
      if (end + count > data.length) {
        byte[] grown = new byte[Math.max(data.length * 2, end - start + count)];
        System.arraycopy(data, start, grown, 0, end - start);
        end -= start;
        start = 0;
        data = grown;
      }
      from.get(data, end, count);
      end += count;
      written += count;
    }

    void read(ByteBuffer into, int max) {
      int count = Math.min(Math.min(max, into.remaining()), available());
      into.put(data, start, count);
      start += count;
      read += count;
    }

    int available() {
      return end - start;
    }
  }

  /** The channel the handlers see: its options, its mode, and the two pipelines' wakeup. */
  private static final class StandInChannel implements Channel {
    private final boolean clientMode;
    private final End end;
    private final ConcurrentMap<Object, Object> attributes = new ConcurrentHashMap<>();
    private final Map<ChannelOption<?>, Object> values = new HashMap<>();
    private final ChannelOptions options = new ChannelOptions() {
      @Override
      public <T> ChannelOptions setOption(ChannelOption<T> option, T value) {
        values.put(option, value);
        return this;
      }

      @Override
      @SuppressWarnings("unchecked")
      public <T> T getOption(ChannelOption<T> option) {
        return (T) values.get(option);
      }
    };

    StandInChannel(boolean clientMode, End end) {
      this.clientMode = clientMode;
      this.end = end;
      values.put(ChannelOption.DIRECT_BUF, false);
      values.put(ChannelOption.SO_RCVBUF, 128 * 1024);
      values.put(ChannelOption.SO_SNDBUF, 128 * 1024);
    }

    @Override
    public ChannelOptions options() {
      return options;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ConcurrentMap attributeMap() {
      return attributes;
    }

    @Override
    public InboundPipeline inboundPipeline() {
      return new InboundPipeline() {
        @Override
        public InboundPipeline addLast(InboundHandler... handlers) {
          throw new UnsupportedOperationException();
        }

        @Override
        public InboundPipeline replace(InboundHandler oldHandler, InboundHandler... handlers) {
          throw new UnsupportedOperationException();
        }

        @Override
        public InboundPipeline remove(InboundHandler handler) {
          throw new UnsupportedOperationException();
        }

        @Override
        public InboundPipeline wakeup() {
          end.inWoken = true;
          return this;
        }
      };
    }

    @Override
    public OutboundPipeline outboundPipeline() {
      return new OutboundPipeline() {
        @Override
        public OutboundPipeline addLast(OutboundHandler... handlers) {
          throw new UnsupportedOperationException();
        }

        @Override
        public OutboundPipeline replace(OutboundHandler oldHandler, OutboundHandler... handlers) {
          throw new UnsupportedOperationException();
        }

        @Override
        public OutboundPipeline remove(OutboundHandler handler) {
          throw new UnsupportedOperationException();
        }

        @Override
        public OutboundPipeline wakeup() {
          // schedules the pipeline whatever its state, BLOCKED included
          end.outScheduled = true;
          return this;
        }
      };
    }

    @Override
    public boolean isClientMode() {
      return clientMode;
    }

    @Override
    public Socket socket() {
      return null;
    }

    @Override
    public SocketAddress remoteSocketAddress() {
      return null;
    }

    @Override
    public SocketAddress localSocketAddress() {
      return null;
    }

    @Override
    public long lastReadTimeMillis() {
      return 0;
    }

    @Override
    public long lastWriteTimeMillis() {
      return 0;
    }

    @Override
    public void start() {
    }

    @Override
    public void connect(InetSocketAddress address, int timeoutMillis) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public void addCloseListener(ChannelCloseListener listener) {
    }

    @Override
    public boolean write(OutboundFrame frame) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    public long bytesWritten() {
      return 0;
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Cluster {
    private static final int PORT = 5701;
    /** -Dtls.batches=80 makes a soak of it (120,000 operations). */
    private static final int BATCHES = Integer.getInteger("tls.batches", 4);
    private static final int OPERATIONS_PER_BATCH = 1_500;
    private static final int KEYS = 600;
    private final List<String> members = List.of("127.0.88.1:" + PORT, "127.0.88.2:" + PORT, "127.0.88.3:" + PORT);
    private final List<Vertx> vertx = new ArrayList<>();
    private final List<HazelcastInstance> hazelcast = new ArrayList<>();

    @BeforeAll
    void startThreeMembers() throws Exception {
      for (int i = 1; i <= 3; i++) {
        String host = "127.0.88." + i;
        Vertx member = await(ClusterMember.start(host, PORT, members, authority.issueMember("load-" + i, List.of(host))),
            120, "member " + host + " starts");
        vertx.add(member);
        hazelcast.add(((HazelcastClusterManager) ((VertxInternal) member).clusterManager()).getHazelcastInstance());
      }
      for (HazelcastInstance instance : hazelcast) {
        assertEquals(3, instance.getCluster().getMembers().size(), "every member sees the three");
      }
    }

    @AfterAll
    void stop() throws Exception {
      List<Future<Void>> closing = new ArrayList<>();
      vertx.forEach(member -> closing.add(member.close()));
      await(Future.join(closing), 120, "the members stop");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void thousandsOfConcurrentMapOperationsWithLargeValuesComplete() throws Exception {
      Random random = new Random(42);
      for (int batch = 0; batch < BATCHES; batch++) {
        List<CompletableFuture<?>> operations = new ArrayList<>();
        for (int i = 0; i < OPERATIONS_PER_BATCH; i++) {
          IMap<String, byte[]> map = hazelcast.get(i % 3).getMap("tls-load");
          String key = "key-" + random.nextInt(KEYS);
          if (i % 3 == 2) {
            operations.add(map.getAsync(key).toCompletableFuture());
          } else {
            operations.add(map.putAsync(key, bytes(random.nextInt(), size(i))).toCompletableFuture());
          }
        }
        awaitAll(operations, "batch " + (batch + 1) + " of " + BATCHES + ": map operations");
      }
      // every member reads the same bytes for every key (large values crossed the pipeline whole)
      List<CompletableFuture<byte[]>> reads = new ArrayList<>();
      for (int member = 0; member < 3; member++) {
        IMap<String, byte[]> map = hazelcast.get(member).getMap("tls-load");
        for (int key = 0; key < KEYS; key++) {
          reads.add(map.getAsync("key-" + key).toCompletableFuture());
        }
      }
      awaitAll(new ArrayList<>(reads), "reading every key from every member");
      for (int key = 0; key < KEYS; key++) {
        byte[] first = reads.get(key).join();
        assertArrayEquals(first, reads.get(KEYS + key).join(), "key-" + key + " as members 1 and 2 read it");
        assertArrayEquals(first, reads.get(2 * KEYS + key).join(), "key-" + key + " as members 1 and 3 read it");
      }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void largeAndManyEventBusMessagesCrossTheMembers() throws Exception {
      for (int i = 0; i < 3; i++) {
        int member = i;
        await(vertx.get(i).eventBus().<Buffer>consumer("tls-load." + member,
            (Message<Buffer> message) -> message.reply(message.body().length() + "@" + member)).completion(),
            30, "consumer on member " + (member + 1));
      }
      Random random = new Random(7);
      List<CompletableFuture<?>> requests = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        int from = i % 3;
        int to = (i + 1 + (i / 3) % 2) % 3;
        int length = i % 20 == 0 ? (1 << 20) : 1 + random.nextInt(i % 5 == 0 ? 200_000 : 2_000);
        expected.add(length + "@" + to);
        requests.add(vertx.get(from).eventBus().<String>request("tls-load." + to, Buffer.buffer(bytes(i, length)),
                new DeliveryOptions().setSendTimeout(TimeUnit.SECONDS.toMillis(DEADLINE)))
            .map(Message::body).toCompletionStage().toCompletableFuture());
      }
      awaitAll(requests, "event bus requests between the members");
      for (int i = 0; i < requests.size(); i++) {
        assertEquals(expected.get(i), requests.get(i).join(), "reply to request " + i);
      }
    }

    /** Mostly small values, one in ten 64 KiB, one in a hundred 1 MiB. */
    private int size(int i) {
      if (i % 100 == 0) {
        return 1 << 20;
      }
      if (i % 10 == 0) {
        return 64 * 1024;
      }
      return 1 + (i * 37) % 4_000;
    }
  }

  private static void awaitAll(List<CompletableFuture<?>> operations, String what) throws Exception {
    try {
      CompletableFuture.allOf(operations.toArray(CompletableFuture[]::new)).get(DEADLINE, TimeUnit.SECONDS);
    } catch (TimeoutException stalled) {
      long pending = operations.stream().filter(operation -> !operation.isDone()).count();
      fail(what + ": " + pending + " of " + operations.size() + " did not complete within " + DEADLINE
          + " s; the cluster's TLS pipeline stranded their bytes");
    }
  }

  private static final long DEADLINE = 60;

  private static <T> T await(Future<T> future, long seconds, String what) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException stalled) {
      throw new AssertionError(what + ": not within " + seconds + " s", stalled);
    }
  }

  private static byte[] bytes(int seed, int length) {
    byte[] data = new byte[length];
    new Random(seed).nextBytes(data);
    return data;
  }
}
