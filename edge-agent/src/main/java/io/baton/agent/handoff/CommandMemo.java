package io.baton.agent.handoff;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Makes a handoff command idempotent by handoff id: a command sent again (by a broker that took the
 * handoff over, or a retry) gets the answer of the first one, or waits for it if it is still
 * running, instead of running twice. A failed command is forgotten so it can be tried again,
 * unless its outcome cannot change ({@link #settled}). Bounded: the oldest handoffs are forgotten first. Used on the agent's context only.
 */
final class CommandMemo {
  private static final int CAPACITY = 4_096;

  private final Map<String, Future<?>> answers = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Future<?>> eldest) {
      return size() > CAPACITY;
    }
  };

  <R> Future<R> once(String command, String handoffId, Supplier<Future<R>> run) {
    return remembered(command, handoffId, run, false);
  }

  /**
   * As {@link #once}, a failure kept too: for a command whose outcome asking again cannot change
   * (AWAIT_PAGES: once a post-copy target's copy died, a second ask must hear that, not "nothing
   * restored here", which the broker would read as a lost service).
   */
  <R> Future<R> settled(String command, String handoffId, Supplier<Future<R>> run) {
    return remembered(command, handoffId, run, true);
  }

  @SuppressWarnings("unchecked")
  private <R> Future<R> remembered(String command, String handoffId, Supplier<Future<R>> run, boolean keepFailure) {
    String key = command + "/" + handoffId;
    Future<R> known = (Future<R>) answers.get(key);
    if (known != null) {
      return known;
    }
    Future<R> answer = run.get();
    answers.put(key, answer);
    // Once settled, only the outcome stays: the future that computed it keeps its steps' functions,
    // and with them whatever they captured (a restored memory of 75 MB, a checkpoint), for as long
    // as it is remembered.
    answer.onComplete(outcome -> {
      if (outcome.succeeded()) {
        answers.replace(key, answer, Future.succeededFuture(outcome.result()));
      } else if (keepFailure) {
        answers.replace(key, answer, Future.failedFuture(outcome.cause()));
      } else {
        answers.remove(key, answer);
      }
    });
    return answer;
  }
}
