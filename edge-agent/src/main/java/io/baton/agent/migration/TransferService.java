package io.baton.agent.migration;

import com.google.protobuf.ByteString;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.agent.transfer.Hashes;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.protocol.grpc.ChunkNeeds;
import io.baton.protocol.grpc.ChunkOffer;
import io.baton.protocol.grpc.ExecutionState;
import io.baton.protocol.grpc.ExecutionStateReceipt;
import io.baton.protocol.grpc.PageBatch;
import io.baton.protocol.grpc.PageData;
import io.baton.protocol.grpc.PageRequest;
import io.baton.protocol.grpc.TransferGrpcService;
import io.vertx.core.Future;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.List;
import java.util.function.Supplier;

/**
 * The paged-memory methods of this site's transfer endpoint, in both roles: as a target it takes
 * offers and the execution state (the pages' chunks arrive through the plane's
 * {@link io.baton.agent.transfer.ChunkIntake}); as a source it answers page faults and streams the
 * rest of a post-copy memory. Every reply crosses this site's emulated link back to the asking site.
 */
public final class TransferService extends TransferGrpcService {
  private static final int PAGES_PER_BATCH = 16;

  private final String siteId;
  private final MigrationTarget target;
  private final MigrationSource source;
  private final LinkEmulator emulator;

  public TransferService(String siteId, MigrationTarget target, MigrationSource source, LinkEmulator emulator) {
    this.siteId = siteId;
    this.target = target;
    this.source = source;
    this.emulator = emulator;
  }

  @Override
  public Future<ChunkNeeds> offer(ChunkOffer offer) {
    return attempt(() -> target.offer(offer))
        .recover(refused -> Future.succeededFuture(ChunkNeeds.newBuilder()
            .setRefusal(siteId + " refuses the offer: " + refused.getMessage()).build()))
        .compose(needs ->
        replyTo(target.sourceOf(offer.getHandoffId()).orElse(""), needs.getSerializedSize(), () -> needs));
  }

  @Override
  public Future<ExecutionStateReceipt> putExecutionState(ExecutionState state) {
    return attempt(() -> target.executionState(state)).compose(receipt ->
        replyTo(state.getSourceSite(), receipt.getSerializedSize(), () -> receipt));
  }

  @Override
  public Future<PageBatch> fetchPages(PageRequest request) {
    return attempt(() -> batch(request.getHandoffId(), request.getPagesList())).compose(batch ->
        replyTo(request.getFromSite(), batch.getSerializedSize(), () -> batch));
  }

  @Override
  protected void streamPages(PageRequest request, WriteStream<PageBatch> response) {
    if (source.memoryFor(request.getHandoffId()).isEmpty()) {
      refuse(response, "no post-copy source for handoff " + request.getHandoffId() + " at " + siteId);
      return;
    }
    emulator.propagate(request.getFromSite()).onComplete(v -> new PageStream(request, response).run());
  }

  /** Sends the requested pages in batches, one link slot at a time, so page faults can cut in. */
  private final class PageStream {
    private final PageRequest request;
    private final WriteStream<PageBatch> response;
    private int next;
    private boolean peerGone;

    PageStream(PageRequest request, WriteStream<PageBatch> response) {
      this.request = request;
      this.response = response;
      response.exceptionHandler(failure -> peerGone = true);
    }

    void run() {
      List<Integer> pages = request.getPagesList();
      while (next < pages.size()) {
        if (peerGone) {
          return;
        }
        if (response.writeQueueFull()) {
          response.drainHandler(v -> run());
          return;
        }
        PageBatch batch;
        try {
          batch = batch(request.getHandoffId(), pages.subList(next, Math.min(pages.size(), next + PAGES_PER_BATCH)));
        } catch (IllegalStateException released) {
          refuse(response, released.getMessage());
          return;
        }
        next += batch.getPagesCount();
        Future<Void> slot = emulator.transmit(request.getFromSite(), batch.getSerializedSize());
        if (!slot.isComplete()) {
          slot.onComplete(v -> {
            response.write(batch);
            run();
          });
          return;
        }
        response.write(batch);
      }
      try {
        response.end();
      } catch (RuntimeException peerReset) {
        // The target reset the stream while the last batch was on the wire: nobody is left to tell.
      }
    }
  }

  /** Ends a page stream with an error status the target sees as a failed stream. */
  private static void refuse(WriteStream<PageBatch> response, String reason) {
    ((GrpcServerResponse<?, ?>) response).status(GrpcStatus.FAILED_PRECONDITION).statusMessage(reason).end();
  }

  private PageBatch batch(String handoffId, List<Integer> pages) {
    PagedMemory memory = source.memoryFor(handoffId)
        .orElseThrow(() -> new IllegalStateException("no post-copy source for handoff " + handoffId + " at " + siteId));
    PageBatch.Builder batch = PageBatch.newBuilder();
    for (int page : pages) {
      if (page < 0 || page >= memory.pageCount()) {
        throw new IllegalStateException("page " + page + " outside 0.." + (memory.pageCount() - 1));
      }
      byte[] data = memory.copyOf(page);
      batch.addPages(PageData.newBuilder().setPage(page).setData(ByteString.copyFrom(data)).setSha256(Hashes.address(data)));
    }
    return batch.build();
  }

  private <T> Future<T> replyTo(String site, long bytes, Supplier<T> reply) {
    return emulator.deliver(site, bytes).map(v -> reply.get());
  }

  private static <T> Future<T> attempt(Supplier<T> work) {
    try {
      return Future.succeededFuture(work.get());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
