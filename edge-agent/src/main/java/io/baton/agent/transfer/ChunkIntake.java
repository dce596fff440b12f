package io.baton.agent.transfer;

import com.google.protobuf.ByteString;
import io.baton.protocol.grpc.Chunk;
import io.baton.protocol.grpc.ChunkList;
import io.baton.protocol.grpc.ChunkReceipt;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Where the chunks of every transfer session arrive at a site, whatever artifact they belong to:
 * each chunk is inflated (bounded by its session's largest chunk), checked against its address
 * and handed to the session's sink; a damaged one is listed in the receipt, to be sent again. A
 * runtime's strategy routes the sessions it knows ({@link #route}); a chunk of a session nobody
 * claims fails the stream, so nothing is kept for a handoff that is not prepared here.
 */
public final class ChunkIntake {
  private final ChunkStore store;
  private final LinkEmulator links;
  private final String siteId;
  private final List<Route> routes = new CopyOnWriteArrayList<>();

  /** Where one session's chunks go, and which site they come from (its receipt crosses that link back). */
  public record Sink(int maxChunkBytes, BiConsumer<ByteString, byte[]> keep, String peerSite) {
  }

  /** Claims the sessions a runtime knows. */
  @FunctionalInterface
  public interface Route {
    Optional<Sink> sinkFor(String session);
  }

  ChunkIntake(ChunkStore store, LinkEmulator links, String siteId) {
    this.store = store;
    this.links = links;
    this.siteId = siteId;
  }

  public void route(Route route) {
    routes.add(route);
  }

  /** Which of these chunks the store lacks. */
  public ChunkList lacking(ChunkList request) {
    ChunkList.Builder lacking = ChunkList.newBuilder().setSession(request.getSession());
    request.getSha256List().stream().filter(address -> !store.contains(address)).forEach(lacking::addSha256);
    return lacking.build();
  }

  public Future<ChunkReceipt> put(ReadStream<Chunk> chunks) {
    Promise<ChunkReceipt> receipt = Promise.promise();
    ChunkReceipt.Builder tally = ChunkReceipt.newBuilder();
    String[] peer = {""};
    chunks.handler(chunk -> {
      Optional<Sink> sink = sinkFor(chunk.getHandoffId());
      if (sink.isEmpty()) {
        receipt.tryFail(new IllegalStateException("no transfer session " + chunk.getHandoffId() + " is open at " + siteId));
        return;
      }
      peer[0] = sink.get().peerSite();
      byte[] data;
      try {
        data = ChunkCodec.decode(chunk, sink.get().maxChunkBytes());
      } catch (IllegalArgumentException damaged) {
        tally.addRejected(chunk.getSha256());
        return;
      }
      if (Hashes.address(data).equals(chunk.getSha256())) {
        sink.get().keep().accept(chunk.getSha256(), data);
        tally.setAccepted(tally.getAccepted() + 1);
      } else {
        tally.addRejected(chunk.getSha256());
      }
    });
    chunks.exceptionHandler(receipt::tryFail);
    chunks.endHandler(v -> {
      ChunkReceipt done = tally.build();
      links.deliver(peer[0], done.getSerializedSize()).onComplete(delivered -> receipt.tryComplete(done));
    });
    return receipt.future();
  }

  private Optional<Sink> sinkFor(String session) {
    for (Route route : routes) {
      Optional<Sink> sink = route.sinkFor(session);
      if (sink.isPresent()) {
        return sink;
      }
    }
    return Optional.empty();
  }
}
