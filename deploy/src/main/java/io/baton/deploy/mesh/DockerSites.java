package io.baton.deploy.mesh;

import io.baton.agent.runtime.container.CheckpointProbe;
import io.baton.agent.runtime.docker.DockerRuntimeProvider;
import io.baton.agent.runtime.container.ContainerRuntime;
import io.baton.agent.runtime.container.ContainerSite;
import io.baton.agent.runtime.container.EngineDeadlines;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * A mesh's docker sites for the single-host launcher: each site's own engine and memory cap. A
 * site takes services only on an engine that passed the checkpoint probe
 * ({@link DockerRuntimeProvider#probedEngine}).
 */
public final class DockerSites {
  private DockerSites() {
  }

  /** A mesh's docker sites: each site's engine and memory cap by site id. */
  public static SiteRuntimes runtimes(UnaryOperator<String> engineOfSite, ToLongFunction<String> memoryCapOfSite) {
    return runtimes(engineOfSite, memoryCapOfSite, EngineDeadlines.DEFAULTS);
  }

  /** As above, with the engines' calls under {@code deadlines}. */
  public static SiteRuntimes runtimes(UnaryOperator<String> engineOfSite, ToLongFunction<String> memoryCapOfSite,
      EngineDeadlines deadlines) {
    return (member, site) -> member.executeBlocking(() -> DockerRuntimeProvider.probedEngine(engineOfSite.apply(site.siteId()),
            deadlines, CheckpointProbe.DEFAULT_IMAGE), false)
        .map(engine -> ContainerSite.siteRuntime(new ContainerRuntime(member, site.siteId(), engine,
            memoryCapOfSite.applyAsLong(site.siteId()))));
  }
}
