package io.baton.deploy.cluster;

import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.embedded.EmbeddedRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Makes the service runtime of each site of a mesh, on the site's own member. */
@FunctionalInterface
public interface SiteRuntimes {

  Future<ServiceRuntime> create(Vertx member, AgentConfig site);

  /** Every site runs Java services over paged memory. */
  static SiteRuntimes embedded() {
    return (member, site) -> Future.succeededFuture(new EmbeddedRuntime(member, site.siteId()));
  }
}
