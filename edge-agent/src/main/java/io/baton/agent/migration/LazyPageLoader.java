package io.baton.agent.migration;

import io.baton.agent.runtime.memory.PageSource;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.agent.transfer.Hashes;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.protocol.grpc.PageBatch;
import io.baton.protocol.grpc.PageData;
import io.baton.protocol.grpc.PageRequest;
import io.baton.protocol.grpc.TransferGrpcClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fills a post-copy target's memory: a page the service touches is fetched from the source at
 * once (the caller waits), and the source streams every other missing page in the background.
 * If the source cannot be reached the memory is abandoned with the reason: the pages it still
 * lacked existed nowhere else.
 */
final class LazyPageLoader implements PageSource {
  private static final long FAULT_TIMEOUT_MS = 10_000;
  private static final int STREAM_RETRIES = 3;

  private final Context context;
  private final String handoffId;
  private final String siteId;
  private final String sourceSite;
  private final TransferGrpcClient source;
  private final LinkEmulator emulator;
  private PagedMemory memory;
  private final AtomicLong pagesArrived = new AtomicLong();
  private final AtomicLong bytesArrived = new AtomicLong();
  private int failedStreams;

  LazyPageLoader(Context context, String handoffId, String siteId, String sourceSite, TransferGrpcClient source,
      LinkEmulator emulator) {
    this.context = context;
    this.handoffId = handoffId;
    this.siteId = siteId;
    this.sourceSite = sourceSite;
    this.source = source;
    this.emulator = emulator;
  }

  void attach(PagedMemory memory) {
    this.memory = memory;
  }

  long pagesArrived() {
    return pagesArrived.get();
  }

  long bytesArrived() {
    return bytesArrived.get();
  }

  /** A page fault, on the service's worker thread: ask the source for the page and wait. */
  @Override
  public byte[] fetch(int page) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    context.runOnContext(v -> request(page).onComplete(
        batch -> {
          try {
            result.complete(verified(batch.getPages(0)));
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        },
        result::completeExceptionally));
    try {
      return result.get(FAULT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new PageUnavailableException("page " + page + " could not be fetched from " + sourceSite + ": "
          + (e.getCause() == null ? e : e.getCause()).getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PageUnavailableException("interrupted while fetching page " + page);
    }
  }

  private Future<PageBatch> request(int page) {
    PageRequest request = PageRequest.newBuilder().setHandoffId(handoffId).setFromSite(siteId).addPages(page).build();
    return emulator.deliver(sourceSite, request.getSerializedSize()).compose(v -> source.fetchPages(request));
  }

  /** Starts streaming every page still missing; on the agent's context. */
  void streamRest() {
    BitSet missing = memory.missingPages();
    if (missing.isEmpty()) {
      return;
    }
    PageRequest request = PageRequest.newBuilder().setHandoffId(handoffId).setFromSite(siteId)
        .addAllPages(missing.stream().boxed().toList()).build();
    emulator.deliver(sourceSite, request.getSerializedSize())
        .compose(v -> source.streamPages(request))
        .onSuccess(stream -> {
          stream.handler(batch -> batch.getPagesList().forEach(this::install));
          stream.exceptionHandler(this::streamFailed);
          stream.endHandler(v -> {
            if (!memory.whenComplete().isDone()) {
              streamFailed(new IllegalStateException("the source ended the page stream with pages missing"));
            }
          });
        })
        .onFailure(this::streamFailed);
  }

  private void install(PageData page) {
    try {
      if (!memory.isPresent(page.getPage())) {
        memory.install(page.getPage(), verified(page));
      }
    } catch (RuntimeException e) {
      // A damaged page is left missing; the stream's end (or a fault) will fetch it again.
    }
  }

  private byte[] verified(PageData page) {
    byte[] data = page.getData().toByteArray();
    if (!Hashes.address(data).equals(page.getSha256())) {
      throw new PageUnavailableException("page " + page.getPage() + " arrived damaged");
    }
    pagesArrived.incrementAndGet();
    bytesArrived.addAndGet(data.length);
    return data;
  }

  private void streamFailed(Throwable failure) {
    if (memory.whenComplete().isDone()) {
      return;
    }
    if (++failedStreams > STREAM_RETRIES) {
      memory.abandon("source " + sourceSite + " lost during post-copy with " + memory.missingPages().cardinality()
          + " pages not yet at " + siteId + ": " + failure.getMessage());
      return;
    }
    context.owner().setTimer(200L * failedStreams, id -> streamRest());
  }
}
