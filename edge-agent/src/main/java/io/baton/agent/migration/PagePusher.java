package io.baton.agent.migration;

import io.baton.agent.transfer.ChunkCodec;
import com.google.protobuf.ByteString;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.agent.transfer.Hashes;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.protocol.grpc.Chunk;
import io.baton.protocol.grpc.ChunkNeeds;
import io.baton.protocol.grpc.ChunkOffer;
import io.baton.protocol.grpc.ChunkReceipt;
import io.baton.protocol.grpc.PageRef;
import io.baton.protocol.grpc.TransferGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClientRequest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends a set of pages to a target as content-addressed chunks. It offers every page's hash; the
 * target answers with the chunks it lacks; only those cross, each checked on arrival, and the
 * target's receipt counts what it kept. Whatever did not arrive intact (a corrupted chunk, a
 * stream cut midway) is simply still lacking at the next offer, so a retry sends exactly the rest.
 */
final class PagePusher {
  private static final int MAX_ATTEMPTS = 6;
  private static final int PAGES_PER_OFFER = 2048;

  private final Vertx vertx;
  private final LinkEmulator emulator;

  PagePusher(Vertx vertx, LinkEmulator emulator) {
    this.vertx = vertx;
    this.emulator = emulator;
  }

  /** A page as read at one moment, with its content address. */
  record PageCopy(int page, ByteString address, byte[] data) {
  }

  /** Copies and hashes the pages off the event loop. The copies are what will be sent. */
  Future<List<PageCopy>> read(PagedMemory memory, BitSet pages) {
    return vertx.executeBlocking(() -> {
      List<PageCopy> copies = new ArrayList<>(pages.cardinality());
      for (int page = pages.nextSetBit(0); page >= 0; page = pages.nextSetBit(page + 1)) {
        byte[] data = memory.copyOf(page);
        copies.add(new PageCopy(page, Hashes.address(data), data));
      }
      return copies;
    }, false);
  }

  Future<PushReport> push(String handoffId, String toSite, TransferGrpcClient target, int pageCount,
      List<PageCopy> pages, boolean compress, long readMicros) {
    long start = System.nanoTime();
    Promise<PushReport> done = Promise.promise();
    attempt(handoffId, toSite, target, pageCount, pages, compress, 1, 0, 0, start, readMicros, done);
    return done.future();
  }

  private void attempt(String handoffId, String toSite, TransferGrpcClient target, int pageCount, List<PageCopy> pages,
      boolean compress, int attempt, long bytesSoFar, int chunksSoFar, long start, long readMicros, Promise<PushReport> done) {
    offer(handoffId, toSite, target, pageCount, pages)
        .compose(needs -> {
          if (needs.getSha256Count() == 0) {
            done.complete(new PushReport(bytesSoFar, pages.size(), chunksSoFar, attempt, readMicros, (System.nanoTime() - start) / 1_000));
            return Future.succeededFuture();
          }
          if (attempt > MAX_ATTEMPTS) {
            return Future.failedFuture("target still lacks " + needs.getSha256Count() + " chunks after " + MAX_ATTEMPTS + " attempts");
          }
          // Deflating thousands of chunks is CPU work: off the event loop.
          return vertx.executeBlocking(() -> chunksFor(handoffId, needs, pages, compress), false)
              .compose(chunks -> {
                Pump pump = new Pump(toSite, chunks);
                return send(toSite, target, pump).transform(sent -> {
                  long bytes = bytesSoFar + pump.bytes;
                  int sentChunks = chunksSoFar + pump.next;
                  if (sent.succeeded() && keptEvery(sent.result(), chunks.size())) {
                    // The receipt already says the target keeps every chunk it lacked: a second
                    // offer would only confirm it, at the cost of a round trip.
                    done.complete(new PushReport(bytes, pages.size(), sentChunks, attempt, readMicros, (System.nanoTime() - start) / 1_000));
                    return Future.succeededFuture();
                  }
                  // Rejected or cut: the next offer finds out what is still missing and sends only that.
                  attempt(handoffId, toSite, target, pageCount, pages, compress, attempt + 1, bytes, sentChunks, start, readMicros, done);
                  return Future.succeededFuture();
                });
              });
        })
        .onFailure(done::tryFail);
  }

  private static boolean keptEvery(ChunkReceipt receipt, int chunks) {
    return receipt.getRejectedCount() == 0 && receipt.getAccepted() == chunks;
  }

  /**
   * Offers the pages in batches (a 75 MB state is 19,200 page references, more than one gRPC
   * message may carry) and merges what the target lacks.
   */
  private Future<ChunkNeeds> offer(String handoffId, String toSite, TransferGrpcClient target, int pageCount, List<PageCopy> pages) {
    Future<ChunkNeeds.Builder> needs = Future.succeededFuture(ChunkNeeds.newBuilder());
    for (int from = 0; from < pages.size() || from == 0; from += PAGES_PER_OFFER) {
      ChunkOffer.Builder offer = ChunkOffer.newBuilder().setHandoffId(handoffId).setPageCount(pageCount);
      pages.subList(from, Math.min(pages.size(), from + PAGES_PER_OFFER))
          .forEach(p -> offer.addPages(PageRef.newBuilder().setPage(p.page()).setSha256(p.address())));
      ChunkOffer built = offer.build();
      needs = needs.compose(merged -> emulator.deliver(toSite, built.getSerializedSize())
          .compose(v -> target.offer(built))
          .compose(batch -> batch.getRefusal().isEmpty()
              ? Future.succeededFuture(merged.addAllSha256(batch.getSha256List()))
              : Future.failedFuture(batch.getRefusal())));
    }
    return needs.map(ChunkNeeds.Builder::build);
  }

  private static List<Chunk> chunksFor(String handoffId, ChunkNeeds needs, List<PageCopy> pages, boolean compress) {
    Set<ByteString> wanted = new HashSet<>(needs.getSha256List());
    Map<ByteString, Chunk> chunks = new LinkedHashMap<>();
    for (PageCopy page : pages) {
      if (wanted.contains(page.address()) && !chunks.containsKey(page.address())) {
        chunks.put(page.address(), ChunkCodec.encode(handoffId, page.address(), page.data(), compress));
      }
    }
    return new ArrayList<>(chunks.values());
  }

  /** Streams chunks paced by the emulated link; completes with the target's receipt. */
  private Future<ChunkReceipt> send(String toSite, TransferGrpcClient target, Pump pump) {
    return emulator.propagate(toSite).compose(v -> target.putChunks((stream, failure) -> {
      if (failure == null) {
        pump.run(stream);
      }
    }));
  }

  /** Writes chunks one link slot at a time, respecting the stream's back-pressure; counts what it wrote. */
  private final class Pump {
    private final String toSite;
    private final List<Chunk> chunks;
    private WriteStream<Chunk> stream;
    private int next;
    private long bytes;

    Pump(String toSite, List<Chunk> chunks) {
      this.toSite = toSite;
      this.chunks = chunks;
    }

    void run(WriteStream<Chunk> target) {
      this.stream = target;
      run();
    }

    private void run() {
      while (next < chunks.size()) {
        if (stream.writeQueueFull()) {
          stream.drainHandler(v -> run());
          return;
        }
        Chunk chunk = chunks.get(next);
        Future<Void> slot = emulator.transmit(toSite, chunk.getData().size());
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
      if (emulator.faults().shouldCut(toSite, bytes + chunk.getData().size())) {
        ((GrpcClientRequest<?, ?>) stream).cancel();
        return false;
      }
      next++;
      bytes += chunk.getData().size();
      if (emulator.faults().corruptionPending(toSite)) {
        byte[] data = emulator.faults().maybeCorrupt(toSite, chunk.getData().toByteArray());
        stream.write(chunk.toBuilder().setData(ByteString.copyFrom(data)).build());
      } else {
        stream.write(chunk);
      }
      return true;
    }
  }
}
