package io.baton.agent.clients;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

/**
 * The context telemetry runs on: its own, on another event-loop thread than the agent's. Calls,
 * attaches and handoff steps run on the agent's context; a burst of telemetry then queues on a
 * thread of its own instead of in front of them (the admission bound keeps that queue short too).
 * Vert.x hands out event loops round-robin, which may give the agent's own thread, so the loop is
 * picked here, through Vert.x's internal context builder (the public API has no way to choose).
 */
public final class TelemetryContext {
  private TelemetryContext() {
  }

  public static Context besides(Vertx vertx, Context agent) {
    if (!(vertx instanceof VertxInternal internal) || !(agent instanceof ContextInternal agentContext)) {
      return agent;
    }
    EventLoop agentLoop = agentContext.nettyEventLoop();
    for (var executor : internal.nettyEventLoopGroup()) {
      if (executor instanceof EventLoop loop && loop != agentLoop) {
        return internal.contextBuilder().withEventLoop(loop).build();
      }
    }
    return agent;
  }
}
