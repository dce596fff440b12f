package io.baton.deploy.mesh;

import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.RuntimeProviders;
import io.baton.agent.runtime.RuntimeSettings;
import io.baton.agent.runtime.SiteRuntime;
import io.baton.agent.runtime.embedded.EmbeddedRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Makes the service runtime of each site of a mesh, on the site's own member. */
@FunctionalInterface
public interface SiteRuntimes {

  Future<SiteRuntime> create(Vertx member, AgentConfig site);

  /** Every site runs the runtime called {@code name} (as {@code --runtime} does) with the same settings. */
  static SiteRuntimes named(String name, RuntimeSettings settings) {
    return (member, site) -> member.executeBlocking(() -> RuntimeProviders.named(name).prepare(settings), false)
        .compose(launcher -> launcher.start(member, site));
  }

  /** Every site runs Java services over paged memory. */
  static SiteRuntimes embedded() {
    return named(EmbeddedRuntime.NAME, RuntimeSettings.none());
  }
}
