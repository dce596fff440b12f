package io.baton.agent.handoff;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Makes a handoff command idempotent by handoff id: a command sent again (by a broker that took the
 * handoff over, or a retry) gets the answer of the first one, or waits for it if it is still
 * running, instead of running twice. A failed command is forgotten so it can be tried again.
 * Bounded: the oldest handoffs are forgotten first. Used on the agent's context only.
 */
final class CommandMemo {
  private static final int CAPACITY = 4_096;

  private final Map<String, Future<?>> answers = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Future<?>> eldest) {
      return size() > CAPACITY;
    }
  };

  @SuppressWarnings("unchecked")
  <R> Future<R> once(String command, String handoffId, Supplier<Future<R>> run) {
    String key = command + "/" + handoffId;
    Future<R> known = (Future<R>) answers.get(key);
    if (known != null) {
      return known;
    }
    Future<R> answer = run.get();
    answers.put(key, answer);
    return answer.onFailure(failure -> answers.remove(key, answer));
  }
}
