package io.baton.agent.runtime;

import io.baton.agent.AgentConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A kind of service runtime an agent can run, found through {@link java.util.ServiceLoader} and
 * named on the command line ({@code --runtime NAME}). The broker and the saga are the same for
 * every runtime; a provider brings the lifecycle and the handoff strategy for its instances.
 */
public interface RuntimeProvider {

  /** The name {@code --runtime} takes, e.g. "embedded". */
  String name();

  /** One line for {@code --help}. */
  String summary();

  /**
   * Checks that this machine can run the runtime with these settings and readies it. May block
   * (an engine probe takes seconds): it runs before the agent joins the cluster, so a site that
   * cannot hand its services off never joins. Fails with a one-line message.
   */
  Launcher prepare(RuntimeSettings settings);

  /** A prepared runtime, started on the site's cluster member. */
  @FunctionalInterface
  interface Launcher {
    Future<SiteRuntime> start(Vertx member, AgentConfig site);
  }
}
