package io.baton.agent.migration;

import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.protocol.directory.SiteInfo;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.grpc.TransferGrpcClient;
import io.vertx.core.Future;
import java.util.BitSet;
import java.util.List;

/**
 * The source's side of one handoff: the live memory being moved, which page versions the target
 * already holds, and what each phase cost. Pre-dump rounds read the memory while the service keeps
 * writing it; every write after a round marks its page dirty again, so the next round (or the
 * dump, or the target's faults) carries the newer version.
 */
public final class SourceSession {
  /**
   * The target checks a state's pages on its event loop, in one go (a chunk stream's are checked
   * one chunk at a time): 1 MiB hashes in a few milliseconds. A larger dump is offered and streamed.
   */
  static final long MAX_DUMP_WITH_STATE_BYTES = 1024 * 1024;

  final HandoffRequested request;
  final SiteInfo target;
  final MigrationTechnique technique;
  final TransferGrpcClient stub;
  final PagedMemory memory;
  final LinkEstimate link;
  private final PagePusher pusher;
  /** Pages whose current version the target holds (as of the round that sent them). */
  private final BitSet targetHolds;
  /** Pages dirtied after the last round was read, not yet sent. */
  private BitSet pendingDirty;
  PrecopyReport precopy = PrecopyReport.NONE;
  List<PagePusher.PageCopy> dump = List.of();
  BitSet stale = new BitSet();
  byte[] executionState;
  long dumpMicros;
  /** Each page's address as last offered to the target in this handoff: what the manifest lists. */
  private final java.util.Map<Integer, com.google.protobuf.ByteString> offered = new java.util.HashMap<>();

  SourceSession(HandoffRequested request, SiteInfo target, MigrationTechnique technique, TransferGrpcClient stub,
      PagedMemory memory, LinkEstimate link, PagePusher pusher) {
    this.request = request;
    this.target = target;
    this.technique = technique;
    this.stub = stub;
    this.memory = memory;
    this.link = link;
    this.pusher = pusher;
    this.targetHolds = new BitSet(memory.pageCount());
    this.pendingDirty = allPages();
  }

  public BitSet allPages() {
    BitSet all = new BitSet(memory.pageCount());
    all.set(0, memory.pageCount());
    return all;
  }

  /** Iterative pre-copy: a full round, then rounds of what was dirtied meanwhile, within the limits. */
  Future<PrecopyReport> precopyRounds(PrecopyLimits limits) {
    memory.drainDirty(); // round 1 sends everything; what changes from now on is round 2's
    return round(1, allPages(), limits, PrecopyReport.NONE);
  }

  private Future<PrecopyReport> round(int number, BitSet pages, PrecopyLimits limits, PrecopyReport soFar) {
    long readStart = System.nanoTime();
    return pusher.read(memory, pages)
        .map(this::recordOffered)
        .compose(copies -> pusher.push(request.handoffId(), target.siteId(), stub, memory.pageCount(), copies, link.worthCompressing(),
            (System.nanoTime() - readStart) / 1_000))
        .compose(pushed -> {
          targetHolds.or(pages);
          BitSet next = memory.drainDirty();
          PrecopyReport report = new PrecopyReport(number, soFar.bytesSent() + pushed.bytesSent(), soFar.pagesSent() + pages.cardinality(),
              soFar.readMicros() + pushed.readMicros(), soFar.transferMicros() + pushed.transferMicros(), "");
          String stop = number >= limits.maxRounds() ? "max rounds (" + limits.maxRounds() + ")"
              : next.cardinality() < limits.smallDirtyPages() ? "dirty set small (" + next.cardinality() + " pages)"
              : next.cardinality() > limits.shrinkFactor() * pages.cardinality() ? "dirty set not shrinking (" + next.cardinality() + " pages)"
              : null;
          if (stop != null) {
            pendingDirty = next;
            return Future.succeededFuture(withReason(report, stop));
          }
          return round(number + 1, next, limits, report);
        });
  }

  private static PrecopyReport withReason(PrecopyReport report, String reason) {
    return new PrecopyReport(report.rounds(), report.bytesSent(), report.pagesSent(), report.readMicros(), report.transferMicros(), reason);
  }

  /**
   * Called once the instance is frozen: decides and reads the dump, and which pages the target
   * holds an outdated version of (it must fetch them).
   */
  Future<Void> captureDump(byte[] frozenExecutionState) {
    long start = System.nanoTime();
    executionState = frozenExecutionState;
    BitSet dirty = (BitSet) pendingDirty.clone();
    dirty.or(memory.drainDirty());
    BitSet dumpPages = technique.dumpPages(this, dirty);
    stale = (BitSet) targetHolds.clone();
    stale.and(dirty);
    stale.andNot(dumpPages);
    BitSet current = (BitSet) targetHolds.clone();
    current.andNot(dirty);
    current.or(dumpPages);
    if (!technique.lazy() && current.cardinality() != memory.pageCount()) {
      return Future.failedFuture(technique.name() + " would leave " + (memory.pageCount() - current.cardinality())
          + " pages behind without post-copy");
    }
    return pusher.read(memory, dumpPages).map(this::recordOffered).map(copies -> {
      dump = copies;
      dumpMicros = (System.nanoTime() - start) / 1_000;
      return null;
    });
  }

  private synchronized List<PagePusher.PageCopy> recordOffered(List<PagePusher.PageCopy> copies) {
    copies.forEach(copy -> offered.put(copy.page(), copy.address()));
    return copies;
  }

  /** The manifest's digest of the pages: every offered page the target is not told to fetch again. */
  synchronized com.google.protobuf.ByteString pagesDigest() {
    return PagesDigest.of(memory.pageCount(), page -> stale.get(page) ? null : offered.get(page));
  }

  long dumpBytes() {
    return (long) dump.size() * PagedMemory.PAGE_SIZE + executionState.length;
  }

  /**
   * Whether the dump rides in the execution state's message. It does when it is empty, or when it
   * holds only pages written after a pre-copy round sent them: the target cannot hold their new
   * content, so offering them first would only add two round trips to the downtime. A cold dump is
   * offered, because its pages may have been pre-staged at the target.
   */
  boolean dumpRidesWithState() {
    return dump.isEmpty() || precopy.rounds() > 0 && (long) dump.size() * PagedMemory.PAGE_SIZE <= MAX_DUMP_WITH_STATE_BYTES;
  }

  List<io.baton.protocol.grpc.PageData> dumpPageData() {
    return dump.stream().map(copy -> io.baton.protocol.grpc.PageData.newBuilder().setPage(copy.page())
        .setData(com.google.protobuf.ByteString.copyFrom(copy.data())).setSha256(copy.address()).build()).toList();
  }

  Future<PushReport> sendDump() {
    return pusher.push(request.handoffId(), target.siteId(), stub, memory.pageCount(), dump, link.worthCompressing(), 0);
  }
}
