package io.baton.agent.runtime.memory;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/**
 * A service's state as fixed-size pages with write tracking: every write marks the pages it
 * changed dirty, and a migration reads the dirty set round by round. A memory may be incomplete
 * (the target of a post-copy migration): reading a missing page faults it in from a {@link
 * PageSource}, blocking the caller, which is why services that may fault run on worker threads.
 *
 * <p>All access is serialized on this object; a page fault waits outside the lock, so the
 * background copy can keep installing pages meanwhile.
 */
public final class PagedMemory {
  public static final int PAGE_SIZE = 4096;

  private final byte[][] pages;
  private final BitSet dirty;
  private volatile DirtyRateMeter dirtyRate = new DirtyRateMeter();
  private final PageSource source;
  private final CompletableFuture<Void> complete = new CompletableFuture<>();
  private final java.util.Map<Integer, CompletableFuture<byte[]>> inFlight = new java.util.HashMap<>();
  private int missing;
  private long faults;

  private PagedMemory(int pageCount, PageSource source) {
    this.pages = new byte[pageCount][];
    this.dirty = new BitSet(pageCount);
    this.source = source;
  }

  /** A complete memory of zeroed pages. */
  public static PagedMemory allocate(long bytes) {
    PagedMemory memory = new PagedMemory(pagesFor(bytes), null);
    for (int i = 0; i < memory.pages.length; i++) {
      memory.pages[i] = new byte[PAGE_SIZE];
    }
    memory.complete.complete(null);
    return memory;
  }

  /** A memory whose pages arrive later: installed by {@link #install}, or faulted in from {@code source}. */
  public static PagedMemory awaiting(int pageCount, PageSource source) {
    PagedMemory memory = new PagedMemory(pageCount, source);
    memory.missing = pageCount;
    if (pageCount == 0) {
      memory.complete.complete(null);
    }
    return memory;
  }

  public static int pagesFor(long bytes) {
    return (int) ((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
  }

  public int pageCount() {
    return pages.length;
  }

  public long sizeBytes() {
    return (long) pages.length * PAGE_SIZE;
  }

  // ---- access by the service -------------------------------------------------------------

  public byte[] read(long offset, int length) {
    byte[] out = new byte[length];
    int done = 0;
    while (done < length) {
      long at = offset + done;
      int page = pageOf(at);
      int within = (int) (at % PAGE_SIZE);
      int n = Math.min(length - done, PAGE_SIZE - within);
      System.arraycopy(present(page), within, out, done, n);
      done += n;
    }
    return out;
  }

  /** Writes bytes; only pages whose content actually changes become dirty. */
  public void write(long offset, byte[] data) {
    int done = 0;
    while (done < data.length) {
      long at = offset + done;
      int page = pageOf(at);
      int within = (int) (at % PAGE_SIZE);
      int n = Math.min(data.length - done, PAGE_SIZE - within);
      byte[] target = present(page);
      synchronized (this) {
        if (!Arrays.equals(target, within, within + n, data, done, done + n)) {
          System.arraycopy(data, done, target, within, n);
          markDirty(page);
        }
      }
      done += n;
    }
  }

  public long readLong(long offset) {
    return java.nio.ByteBuffer.wrap(read(offset, Long.BYTES)).getLong();
  }

  public void writeLong(long offset, long value) {
    write(offset, java.nio.ByteBuffer.allocate(Long.BYTES).putLong(value).array());
  }

  private void markDirty(int page) {
    if (!dirty.get(page)) {
      dirty.set(page);
      dirtyRate.record(PAGE_SIZE);
    }
  }

  // ---- access by the migration engine ----------------------------------------------------

  /** A copy of one page; faults it in if it is missing. */
  public byte[] copyOf(int page) {
    byte[] content = present(page);
    synchronized (this) {
      return content.clone();
    }
  }

  /** The pages written since the last call (or since the start), and a fresh empty set. */
  public synchronized BitSet drainDirty() {
    BitSet drained = (BitSet) dirty.clone();
    dirty.clear();
    return drained;
  }

  /**
   * Forgets the dirty set and the rate measured so far: a service's initialization (75 MB of
   * random data written at once) is not its dirty rate, and would make pre-copy look hopeless.
   */
  public synchronized void startTracking() {
    dirty.clear();
    dirtyRate = new DirtyRateMeter();
  }

  /** Bytes per second of newly dirtied pages, over the last few seconds. */
  public double dirtyBytesPerSecond() {
    return dirtyRate.bytesPerSecond();
  }

  /** Installs a page that arrived from the source, unless the page is already here. */
  public void install(int page, byte[] content) {
    if (content.length != PAGE_SIZE) {
      throw new IllegalArgumentException("page " + page + " has " + content.length + " bytes");
    }
    CompletableFuture<byte[]> waiting;
    synchronized (this) {
      if (pages[page] != null) {
        return;
      }
      pages[page] = content.clone();
      waiting = inFlight.remove(page);
      if (--missing == 0) {
        complete.complete(null);
      }
    }
    if (waiting != null) {
      waiting.complete(pages[page]);
    }
  }

  public synchronized boolean isPresent(int page) {
    return pages[page] != null;
  }

  public synchronized BitSet missingPages() {
    BitSet absent = new BitSet(pages.length);
    for (int i = 0; i < pages.length; i++) {
      if (pages[i] == null) {
        absent.set(i);
      }
    }
    return absent;
  }

  /** Completes when every page is here. */
  public CompletableFuture<Void> whenComplete() {
    return complete;
  }

  /** Fails every waiting and future fault: the pages will not come. */
  public void abandon(String reason) {
    PageSource.PageUnavailableException failure = new PageSource.PageUnavailableException(reason);
    java.util.List<CompletableFuture<byte[]>> waiting;
    synchronized (this) {
      waiting = java.util.List.copyOf(inFlight.values());
      inFlight.clear();
      complete.completeExceptionally(failure);
    }
    waiting.forEach(f -> f.completeExceptionally(failure));
  }

  public synchronized long faults() {
    return faults;
  }

  private byte[] present(int page) {
    CompletableFuture<byte[]> fault;
    boolean fetchHere = false;
    synchronized (this) {
      if (pages[page] != null) {
        return pages[page];
      }
      if (complete.isCompletedExceptionally()) {
        throw new PageSource.PageUnavailableException("page " + page + " is missing and its source is gone");
      }
      fault = inFlight.get(page);
      if (fault == null) {
        fault = new CompletableFuture<>();
        inFlight.put(page, fault);
        faults++;
        fetchHere = true;
      }
    }
    if (fetchHere) {
      try {
        install(page, source.fetch(page));
      } catch (RuntimeException e) {
        synchronized (this) {
          inFlight.remove(page);
        }
        fault.completeExceptionally(e);
      }
    }
    try {
      return fault.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
  }

  private int pageOf(long offset) {
    if (offset < 0 || offset >= sizeBytes()) {
      throw new IndexOutOfBoundsException("offset " + offset + " outside a memory of " + sizeBytes() + " bytes");
    }
    return (int) (offset / PAGE_SIZE);
  }
}
