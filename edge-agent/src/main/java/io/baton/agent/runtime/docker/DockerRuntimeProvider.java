package io.baton.agent.runtime.docker;

import io.baton.agent.runtime.RuntimeProvider;
import io.baton.agent.runtime.RuntimeSettings;
import io.baton.agent.runtime.SiteRuntime;
import io.baton.agent.runtime.container.CheckpointProbe;
import io.baton.agent.runtime.container.ContainerSettings;
import io.baton.agent.runtime.container.ContainerRuntime;
import io.baton.agent.runtime.container.ContainerSite;
import io.baton.agent.runtime.container.EngineDeadlines;
import io.vertx.core.Future;

/**
 * {@code --runtime docker}: services as containers on the site's Docker Engine, handed off with
 * CRIU checkpoints over the agent's transfer plane. Settings: docker-host, memory-cap-mb,
 * engine-deadlines, probe-image.
 */
public final class DockerRuntimeProvider implements RuntimeProvider {
  public static final String DOCKER_HOST = "docker-host";
  public static final String MEMORY_CAP_MB = ContainerSettings.MEMORY_CAP_MB;
  public static final String ENGINE_DEADLINES = ContainerSettings.ENGINE_DEADLINES;
  public static final String PROBE_IMAGE = ContainerSettings.PROBE_IMAGE;
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

  @Override
  public String name() {
    return "docker";
  }

  @Override
  public String summary() {
    return "containers on the site's Docker Engine, handed off with CRIU checkpoints and pre-staged layers";
  }

  /** Parses every setting first, then probes the engine: a real checkpoint and restore, seconds. */
  @Override
  public Launcher prepare(RuntimeSettings settings) {
    String dockerHost = settings.text(DOCKER_HOST, DEFAULT_DOCKER_HOST);
    ContainerSettings container = ContainerSettings.from(settings);
    DockerEngine engine = probedEngine(dockerHost, container.deadlines(), container.probeImage());
    return (member, site) -> Future.succeededFuture(ContainerSite.siteRuntime(
        new ContainerRuntime(member, site.siteId(), engine, container.memoryCapMb())));
  }

  /**
   * The site's engine, once it has checkpointed and restored a probe container. Blocks (seconds).
   * Fails with a one-line {@link CheckpointProbe.ProbeFailedException}.
   */
  public static DockerEngine probedEngine(String dockerHost, EngineDeadlines deadlines, String probeImage) {
    DockerEngine engine = new DockerEngine(dockerHost, deadlines);
    try {
      CheckpointProbe.run(engine, probeImage);
      return engine;
    } catch (RuntimeException failed) {
      engine.close();
      throw failed;
    }
  }
}
