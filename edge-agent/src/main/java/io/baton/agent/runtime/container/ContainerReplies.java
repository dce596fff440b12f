package io.baton.agent.runtime.container;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A container's answers to its most recent calls, by request id, including calls still running:
 * a container cannot keep them itself, so the runtime does, and hands them on with the checkpoint.
 * A call that failed is forgotten, so sending it again executes it.
 */
final class ContainerReplies {
  private static final int CAPACITY = 4096;

  private final LinkedHashMap<String, Future<JsonObject>> replies = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Future<JsonObject>> eldest) {
      return size() > CAPACITY;
    }
  };

  static ContainerReplies of(JsonObject answered) {
    ContainerReplies log = new ContainerReplies();
    answered.forEach(entry -> log.replies.put(entry.getKey(), Future.succeededFuture((JsonObject) entry.getValue())));
    return log;
  }

  Future<JsonObject> once(String requestId, Supplier<Future<JsonObject>> execute) {
    Future<JsonObject> running;
    synchronized (this) {
      Future<JsonObject> known = replies.get(requestId);
      if (known != null) {
        return known;
      }
      running = execute.get();
      replies.put(requestId, running);
    }
    return running.onFailure(failed -> forget(requestId, running));
  }

  synchronized JsonObject answered() {
    JsonObject answered = new JsonObject();
    replies.forEach((id, reply) -> {
      if (reply.succeeded()) {
        answered.put(id, reply.result());
      }
    });
    return answered;
  }

  private synchronized void forget(String requestId, Future<JsonObject> failed) {
    replies.remove(requestId, failed);
  }
}
