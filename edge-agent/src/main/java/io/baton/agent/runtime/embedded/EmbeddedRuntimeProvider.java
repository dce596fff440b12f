package io.baton.agent.runtime.embedded;

import io.baton.agent.migration.PagedMemoryHandoff;
import io.baton.agent.runtime.RuntimeProvider;
import io.baton.agent.runtime.RuntimeSettings;
import io.baton.agent.runtime.SiteRuntime;
import io.vertx.core.Future;

/** {@code --runtime embedded}: Java services over paged memory, moved by seed 000's techniques. */
public final class EmbeddedRuntimeProvider implements RuntimeProvider {

  @Override
  public String name() {
    return EmbeddedRuntime.NAME;
  }

  @Override
  public String summary() {
    return "Java services over paged memory in the agent's process (cold, pre-copy, post-copy, hybrid)";
  }

  /** Needs nothing from the machine: the services run in the agent's JVM. */
  @Override
  public Launcher prepare(RuntimeSettings settings) {
    return (member, site) -> Future.succeededFuture(over(new EmbeddedRuntime(member, site.siteId())));
  }

  /** A site running {@code runtime}'s instances, handed off page by page over the agent's transfer plane. */
  public static SiteRuntime over(EmbeddedRuntime runtime) {
    return SiteRuntime.of(runtime, plane -> Future.succeededFuture(PagedMemoryHandoff.over(runtime, plane)));
  }
}
