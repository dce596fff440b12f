package io.baton.cluster;

import com.hazelcast.internal.util.ConcurrencyUtil;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Where Hazelcast runs the callbacks of its invocation futures, for the whole process.
 *
 * <p>Vert.x's Hazelcast map completes every asynchronous operation (get, set, remove) through such
 * a callback, and Hazelcast never runs them on the thread that completes the future: it hands them
 * to {@code ForkJoinPool.commonPool()}, unless the common pool has a parallelism of 1, which it has
 * on every 2-core machine. Then Hazelcast starts a new thread for each callback
 * ({@code ConcurrencyUtil}'s fallback). Under a thousand clients that was 150,000 thread starts in
 * two minutes and a thousand live threads in one member, started one at a time by the thread that
 * reads responses: responses queued behind the starts (926 waiting), invocations stayed pending by
 * the thousands, and the Vert.x workers blocked in {@code putIfAbsent} never came back. A pool of
 * our own, sized as the common pool is on a larger machine, takes that job instead.
 */
public final class HazelcastCallbacks {
  private static final Executor POOL = new ForkJoinPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()), HazelcastCallbacks::thread, null, true);

  private HazelcastCallbacks() {
  }

  /** Idempotent; must run before the first member starts, as {@link ClusterMember#start} does. */
  public static synchronized void install() {
    if (ConcurrencyUtil.getDefaultAsyncExecutor() != POOL) {
      ConcurrencyUtil.setDefaultAsyncExecutor(POOL);
    }
  }

  private static ForkJoinWorkerThread thread(ForkJoinPool pool) {
    ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
    thread.setName("hazelcast-callback-" + thread.getPoolIndex());
    return thread;
  }
}
