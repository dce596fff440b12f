package io.baton.agent.migration;

import com.google.protobuf.ByteString;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.grpc.ExecutionState;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The target's side of one handoff: which content each page had when it was offered, the
 * execution state once it arrived, and after the restore the memory and its loader.
 */
final class TargetSession {
  final HandoffRequested request;
  private final Map<Integer, ByteString> pageAddresses = new HashMap<>();
  private int pageCount = -1;
  ExecutionState executionState;
  PagedMemory memory;
  LazyPageLoader loader;
  long restoredAtNanos;

  TargetSession(HandoffRequested request) {
    this.request = request;
  }

  synchronized void offered(int pages, int page, ByteString address) {
    if (pageCount < 0) {
      pageCount = pages;
    } else if (pageCount != pages) {
      throw new IllegalStateException("offer for " + pages + " pages, earlier offers said " + pageCount);
    }
    if (page < 0 || page >= pages) {
      throw new IllegalStateException("page " + page + " outside 0.." + (pages - 1));
    }
    pageAddresses.put(page, address);
  }

  /** The page's last offered address, whatever the execution state says. */
  synchronized ByteString offeredAddress(int page) {
    return pageAddresses.get(page);
  }

  /** The page's offered content address, unless the execution state marked the page stale. */
  synchronized ByteString addressOf(int page) {
    if (executionState != null && staleSet().get(page)) {
      return null;
    }
    return pageAddresses.get(page);
  }

  private BitSet stale;

  private BitSet staleSet() {
    if (stale == null) {
      stale = new BitSet();
      executionState.getStalePagesList().forEach(stale::set);
    }
    return stale;
  }
}
