package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.memory.PagedMemory;
import io.vertx.core.json.JsonObject;

/** One embedded service instance: its memory, the service over it, its reply cache, its state. */
final class EmbeddedInstance {
  volatile InstanceSpec spec;
  final PagedMemory memory;
  final EmbeddedService service;
  final ReplyCache replies;
  volatile InstanceState state;

  EmbeddedInstance(InstanceSpec spec, PagedMemory memory, EmbeddedService service, ReplyCache replies, InstanceState state) {
    this.spec = spec;
    this.memory = memory;
    this.service = service;
    this.replies = replies;
    this.state = state;
  }

  /** Executes a call once; a repeated request id gets the first execution's reply. */
  JsonObject execute(String requestId, JsonObject request) {
    return replies.find(requestId).orElseGet(() -> {
      JsonObject reply = service.handle(request);
      replies.remember(requestId, reply);
      return reply;
    });
  }

  byte[] executionState() {
    return ExecutionStateFormat.write(spec.serviceKind(), spec.options(), memory.pageCount(), replies);
  }
}
