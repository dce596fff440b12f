package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.InstanceState;
import io.vertx.core.json.JsonObject;

/** One embedded service instance with its reply cache and life-cycle state. */
final class EmbeddedInstance {
  final InstanceSpec spec;
  final EmbeddedService service;
  final ReplyCache replies;
  InstanceState state;

  EmbeddedInstance(InstanceSpec spec, EmbeddedService service, ReplyCache replies, InstanceState state) {
    this.spec = spec;
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

  byte[] snapshot() {
    return SnapshotFormat.write(spec.serviceKind(), service.exportState(), replies);
  }
}
