package io.baton.protocol.health;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when a cluster member stops making progress, says so once with a thread dump, and counts
 * it. Two signs are watched:
 *
 * <ul>
 *   <li>a Vert.x thread blocked past its limit (2 s for an event loop, 60 s for a worker), through
 *       Vert.x's own blocked-thread checker, whose handler this replaces: one report per blocking
 *       episode instead of a warning every second;
 *   <li>a cluster operation pending far past any sane time: every few seconds the member writes a
 *       canary entry to a replicated map (an operation that crosses to the partition's owner, so
 *       a member-to-member link that strands bytes shows here); one still pending after
 *       {@link #STALLED_AFTER} is a stall. Hazelcast's own invocation timeout is 60 s and it only
 *       logs, per invocation, long after the cluster froze.
 * </ul>
 *
 * The counts are process-wide (a test JVM runs several members): {@link #stalls()} for test
 * suites, which fail on any, and {@link #exposition()} for Prometheus.
 */
public final class StallWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StallWatchdog.class);
  static final String CANARY_MAP = "baton.watchdog";
  static final Duration CANARY_PERIOD = Duration.ofSeconds(3);
  static final Duration STALLED_AFTER = Duration.ofSeconds(30);

  private static final AtomicLong BLOCKED_THREADS = new AtomicLong();
  private static final AtomicLong STALLED_OPERATIONS = new AtomicLong();
  private static final List<String> REPORTS = new CopyOnWriteArrayList<>();
  private static final List<java.util.function.Supplier<String>> DIAGNOSTICS = new CopyOnWriteArrayList<>();

  private final Vertx vertx;
  private final String member;
  private final long timer;
  /** The start (ms) of each thread's current blocking episode, so each is reported once. */
  private final Map<Thread, Long> blockedSince = new ConcurrentHashMap<>();
  private volatile long canarySentAt;
  private volatile boolean canaryReported;
  private volatile boolean closed;

  private StallWatchdog(Vertx vertx, String member) {
    this.vertx = vertx;
    this.member = member;
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(this::blocked);
    this.timer = vertx.setPeriodic(CANARY_PERIOD.toMillis(), id -> checkCanary());
  }

  /** Starts watching a clustered member; {@code member} names it in reports. */
  public static StallWatchdog watch(Vertx vertx, String member) {
    return new StallWatchdog(vertx, member);
  }

  /** Stalls seen in this process so far, of either kind. */
  public static long stalls() {
    return BLOCKED_THREADS.get() + STALLED_OPERATIONS.get();
  }

  /** What was reported, one line per stall (the thread dumps are in the log). */
  public static List<String> reports() {
    return List.copyOf(REPORTS);
  }

  /**
   * Adds what a stall report shows after its thread dump: state the dump cannot show (a
   * connection's buffers, say), since a stall with every thread idle is a lost wakeup.
   */
  public static void addDiagnostics(java.util.function.Supplier<String> diagnostics) {
    DIAGNOSTICS.add(diagnostics);
  }

  /** The counts in Prometheus' text exposition format. */
  public static String exposition() {
    return "# HELP baton_stalls_total Stalls a member noticed: a Vert.x thread blocked past its limit, or a cluster "
        + "operation pending " + STALLED_AFTER.toSeconds() + " s.\n"
        + "# TYPE baton_stalls_total counter\n"
        + "baton_stalls_total{kind=\"blocked_thread\"} " + BLOCKED_THREADS.get() + "\n"
        + "baton_stalls_total{kind=\"cluster_operation\"} " + STALLED_OPERATIONS.get() + "\n";
  }

  private void blocked(BlockedThreadEvent event) {
    long startedAt = System.currentTimeMillis() - event.duration() / 1_000_000;
    Long known = blockedSince.get(event.thread());
    // The checker calls again every interval while the thread stays blocked: same episode if it started when we saw it start.
    if (known != null && Math.abs(known - startedAt) < 1_000) {
      return;
    }
    blockedSince.put(event.thread(), startedAt);
    BLOCKED_THREADS.incrementAndGet();
    report("thread " + event.thread().getName() + " of " + member + " has been blocked for "
        + event.duration() / 1_000_000 + " ms (limit " + event.maxExecTime() / 1_000_000 + " ms)");
  }

  private void checkCanary() {
    if (closed) {
      return;
    }
    long sentAt = canarySentAt;
    if (sentAt != 0) {
      if (!canaryReported && System.currentTimeMillis() - sentAt > STALLED_AFTER.toMillis()) {
        canaryReported = true;
        STALLED_OPERATIONS.incrementAndGet();
        String what = "a cluster map operation of " + member + " has been pending for " + STALLED_AFTER.toSeconds() + " s";
        // Not on this event loop: a dump of every thread takes a while, and the workers may be the ones stuck.
        Thread reporter = new Thread(() -> report(what), "baton-stall-report");
        reporter.setDaemon(true);
        reporter.start();
      }
      return;
    }
    long now = System.currentTimeMillis();
    canarySentAt = now;
    canaryReported = false;
    try {
      vertx.sharedData().<String, Long>getAsyncMap(CANARY_MAP)
          .compose(map -> map.put(member, now))
          .onComplete(done -> canarySentAt = 0);
    } catch (IllegalStateException leaving) {
      // Hazelcast stops before Vert.x cancels this timer when a member leaves: nothing left to watch.
      canarySentAt = 0;
    }
  }

  private static void report(String what) {
    REPORTS.add(what);
    StringBuilder more = new StringBuilder();
    for (java.util.function.Supplier<String> diagnostics : DIAGNOSTICS) {
      try {
        more.append(diagnostics.get());
      } catch (RuntimeException e) {
        more.append("(diagnostics failed: ").append(e).append(")\n");
      }
    }
    LOG.warn("STALL: {}; thread dump follows\n{}{}", what, threadDump(), more);
  }

  private static String threadDump() {
    StringBuilder dump = new StringBuilder();
    // ThreadInfo.toString stops at 8 frames, which hides who called into the cluster: every frame.
    for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      dump.append('"').append(thread.getThreadName()).append("\" id=").append(thread.getThreadId()).append(' ')
          .append(thread.getThreadState());
      if (thread.getLockName() != null) {
        dump.append(" on ").append(thread.getLockName());
      }
      if (thread.getLockOwnerName() != null) {
        dump.append(" owned by \"").append(thread.getLockOwnerName()).append('"');
      }
      dump.append('\n');
      for (StackTraceElement frame : thread.getStackTrace()) {
        dump.append("\tat ").append(frame).append('\n');
      }
      dump.append('\n');
    }
    return dump.toString();
  }

  /**
   * Whether this member's canary has been pending past {@link #STALLED_AFTER} right now: its
   * cluster operations stopped, so it serves nothing useful however well its threads answer.
   */
  public boolean clusterStalled() {
    long sentAt = canarySentAt;
    return !closed && sentAt != 0 && System.currentTimeMillis() - sentAt > STALLED_AFTER.toMillis();
  }

  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timer);
  }
}
