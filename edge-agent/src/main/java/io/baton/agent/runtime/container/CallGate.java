package io.baton.agent.runtime.container;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Keeps an instance's calls and its checkpoints apart: calls run beside each other, a checkpoint
 * runs alone. A call enters without blocking (its future completes once it may run) and leaves
 * from whatever thread its answer arrives on, so the call itself can be asynchronous (an HTTP
 * request to the container) and holds no thread while it runs; a read-write lock could not do
 * that, since its read lock belongs to the thread that took it. {@link #exclusive} blocks its
 * worker thread: it closes the gate to new calls, waits until the calls inside have left, runs
 * the checkpoint and then admits the calls that waited, which find the instance as the checkpoint
 * left it (still LIVE after a leave-running dump; FROZEN after the handoff's, so they fail as
 * not serving and the client holds and replays them at the new site).
 */
final class CallGate {
  private int inside;
  private boolean closed;
  private final Deque<Admission> waiting = new ArrayDeque<>();

  private record Admission(Context context, Promise<Void> admitted) {
  }

  /** Completes (on the caller's context) once the call may run; the caller must then {@link #leave}. */
  Future<Void> enter(Vertx vertx) {
    Admission admission;
    synchronized (this) {
      if (!closed) {
        inside++;
        return Future.succeededFuture();
      }
      admission = new Admission(vertx.getOrCreateContext(), Promise.promise());
      waiting.add(admission);
    }
    return admission.admitted().future();
  }

  synchronized void leave() {
    if (--inside == 0) {
      notifyAll();
    }
  }

  /** Runs {@code work} on the calling (worker) thread with no call inside, keeping new calls waiting until it returns. */
  <T> T exclusive(Callable<T> work) throws Exception {
    synchronized (this) {
      while (closed) {
        wait();
      }
      closed = true;
      try {
        while (inside > 0) {
          wait();
        }
      } catch (InterruptedException interrupted) {
        reopen();
        throw interrupted;
      }
    }
    try {
      return work.call();
    } finally {
      reopen();
    }
  }

  private void reopen() {
    List<Admission> admitted;
    synchronized (this) {
      closed = false;
      admitted = new ArrayList<>(waiting);
      inside += admitted.size();
      waiting.clear();
      notifyAll();
    }
    admitted.forEach(admission -> admission.context().runOnContext(v -> admission.admitted().complete()));
  }

  /** Calls inside now (for tests). */
  synchronized int inside() {
    return inside;
  }
}
