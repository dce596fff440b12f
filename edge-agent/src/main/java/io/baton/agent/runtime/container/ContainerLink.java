package io.baton.agent.runtime.container;

import io.baton.agent.transfer.TransferManifests;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.protocol.grpc.Chunk;
import io.baton.protocol.grpc.ChunkList;
import io.baton.protocol.grpc.TransferGrpcClient;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClientRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The source's end of the link to one target agent: every request crosses this site's emulated
 * link (transmission at its bandwidth, then its one-way delay; the reply comes back after the
 * delay again) and is counted, so handoff reports say exactly how many bytes crossed. Requests
 * that change what runs at the target go signed by this site's member key, when it has one.
 */
public final class ContainerLink {
  private static final int MAX_ATTEMPTS = 4;

  private final LinkEmulator emulator;
  private final String fromSite;
  private final String toSite;
  private final TransferGrpcClient chunkStream;
  private final ContainerTransferCalls target;
  private final Optional<MemberCredentials> signer;
  private final Vertx vertx;
  private final Duration deadline;
  private long bytesSent;

  /**
   * {@code deadline}: how long the target may take to answer one request once it has crossed the
   * link; past it the request fails here (the target bounds its own engine calls more tightly,
   * so this fires only when the target itself is gone or stuck).
   */
  public ContainerLink(Vertx vertx, LinkEmulator emulator, String fromSite, String toSite, TransferGrpcClient stream,
      ContainerTransferCalls target, Optional<MemberCredentials> signer, Duration deadline) {
    this.chunkStream = stream;
    this.vertx = vertx;
    this.deadline = deadline;
    this.emulator = emulator;
    this.fromSite = fromSite;
    this.toSite = toSite;
    this.target = target;
    this.signer = signer;
  }

  public String toSite() {
    return toSite;
  }

  public ContainerTransferCalls target() {
    return target;
  }

  /** Everything sent to the target so far, messages and chunks. */
  public synchronized long bytesSent() {
    return bytesSent;
  }

  private synchronized void count(long bytes) {
    bytesSent += bytes;
  }

  /** One request/response round trip over the link. */
  public <Q extends Message, R> Future<R> call(Q request, Function<Q, Future<R>> rpc) {
    Q sent = signer.isPresent() && TransferManifests.carriesManifest(request)
        ? TransferManifests.sign(request, signer.get(), fromSite, toSite) : request;
    count(sent.getSerializedSize());
    return emulator.deliver(toSite, sent.getSerializedSize())
        .compose(v -> within(rpc.apply(sent), request.getDescriptorForType().getName()))
        .compose(reply -> emulator.propagate(toSite).map(v -> reply));
  }

  private <R> Future<R> within(Future<R> answer, String what) {
    Promise<R> bounded = Promise.promise();
    long timer = vertx.setTimer(deadline.toMillis(), id -> bounded.tryFail(new TimeoutException(
        toSite + " did not answer " + what + " within " + deadline.toSeconds() + " s")));
    answer.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        bounded.tryComplete(done.result());
      } else {
        bounded.tryFail(done.cause());
      }
    });
    return bounded.future();
  }

  /**
   * Ships chunks the target needs. With {@code askFirst} the target first says which it lacks
   * (what pre-staging relies on); without, all are sent (nothing can be there yet). Rejected
   * chunks (damaged on the way) are sent again; after a stream cut midway the target is asked what
   * it still lacks, and only that is sent again.
   */
  public Future<Void> ship(String session, Map<ByteString, byte[]> chunks, boolean askFirst) {
    if (chunks.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<List<ByteString>> needed = askFirst
        ? call(ChunkList.newBuilder().setSession(session).addAllSha256(chunks.keySet()).build(), target::lacking)
            .map(ChunkList::getSha256List)
        : Future.succeededFuture(new ArrayList<>(chunks.keySet()));
    return needed.compose(addresses -> send(session, chunks, addresses, 1));
  }

  private Future<Void> send(String session, Map<ByteString, byte[]> chunks, List<ByteString> addresses, int attempt) {
    if (addresses.isEmpty()) {
      return Future.succeededFuture();
    }
    if (attempt > MAX_ATTEMPTS) {
      return Future.failedFuture(addresses.size() + " chunks still rejected by " + toSite + " after " + MAX_ATTEMPTS + " attempts");
    }
    List<Chunk> stream = addresses.stream()
        .map(a -> Chunk.newBuilder().setHandoffId(session).setSha256(a).setData(ByteString.copyFrom(chunks.get(a))).build())
        .toList();
    return emulator.propagate(toSite)
        .compose(v -> chunkStream.putChunks((writer, failure) -> {
          if (failure == null) {
            new Pump(stream, writer).run();
          }
        }))
        .transform(sent -> {
          if (sent.succeeded()) {
            return send(session, chunks, sent.result().getRejectedList(), attempt + 1);
          }
          if (attempt >= MAX_ATTEMPTS) {
            return Future.failedFuture(sent.cause());
          }
          // What arrived before the cut is kept at the target: only the rest crosses again.
          return call(ChunkList.newBuilder().setSession(session).addAllSha256(addresses).build(), target::lacking)
              .compose(lacking -> send(session, chunks, lacking.getSha256List(), attempt + 1));
        });
  }

  /**
   * Writes chunks one link slot at a time, respecting the stream's back-pressure; the link's
   * injected faults ({@link io.baton.agent.transfer.LinkFaults}) cut the stream or damage a chunk.
   */
  private final class Pump {
    private final List<Chunk> chunks;
    private final WriteStream<Chunk> stream;
    private int next;
    private long streamed;

    Pump(List<Chunk> chunks, WriteStream<Chunk> stream) {
      this.chunks = chunks;
      this.stream = stream;
    }

    void run() {
      while (next < chunks.size()) {
        if (stream.writeQueueFull()) {
          stream.drainHandler(v -> run());
          return;
        }
        Chunk chunk = chunks.get(next++);
        count(chunk.getSerializedSize());
        Future<Void> slot = emulator.transmit(toSite, chunk.getSerializedSize());
        if (!slot.isComplete()) {
          slot.onComplete(v -> {
            if (write(chunk)) {
              run();
            }
          });
          return;
        }
        if (!write(chunk)) {
          return;
        }
      }
      stream.end();
    }

    private boolean write(Chunk chunk) {
      if (emulator.faults().shouldCut(toSite, streamed + chunk.getSerializedSize())) {
        ((GrpcClientRequest<?, ?>) stream).cancel();
        return false;
      }
      streamed += chunk.getSerializedSize();
      stream.write(emulator.faults().corruptionPending(toSite)
          ? chunk.toBuilder().setData(ByteString.copyFrom(emulator.faults().maybeCorrupt(toSite, chunk.getData().toByteArray()))).build()
          : chunk);
      return true;
    }
  }

}
