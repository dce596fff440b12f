package io.baton.agent.runtime.docker;

import io.baton.agent.runtime.RuntimeProvider;
import io.baton.agent.runtime.RuntimeSettings;
import io.baton.agent.runtime.SiteRuntime;
import io.vertx.core.Future;

/**
 * {@code --runtime docker}: services as containers on the site's Docker Engine, handed off with
 * CRIU checkpoints over the agent's transfer plane. Settings: docker-host, memory-cap-mb,
 * engine-deadlines, probe-image.
 */
public final class DockerRuntimeProvider implements RuntimeProvider {
  public static final String DOCKER_HOST = "docker-host";
  public static final String MEMORY_CAP_MB = "memory-cap-mb";
  public static final String ENGINE_DEADLINES = "engine-deadlines";
  public static final String PROBE_IMAGE = "probe-image";
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

  @Override
  public String name() {
    return DockerRuntime.NAME;
  }

  @Override
  public String summary() {
    return "containers on the site's Docker Engine, handed off with CRIU checkpoints and pre-staged layers";
  }

  /** Parses every setting first, then probes the engine: a real checkpoint and restore, seconds. */
  @Override
  public Launcher prepare(RuntimeSettings settings) {
    String dockerHost = settings.text(DOCKER_HOST, DEFAULT_DOCKER_HOST);
    long memoryCapMb = settings.number(MEMORY_CAP_MB, 0, 0, Long.MAX_VALUE >> 20);
    EngineDeadlines deadlines = settings.text(ENGINE_DEADLINES).map(EngineDeadlines::parse).orElse(EngineDeadlines.DEFAULTS);
    DockerEngine engine = probedEngine(dockerHost, deadlines, settings.text(PROBE_IMAGE, CheckpointProbe.DEFAULT_IMAGE));
    return (member, site) -> Future.succeededFuture(over(new DockerRuntime(member, site.siteId(), engine, memoryCapMb)));
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

  /**
   * A site running {@code runtime}'s containers, which cross on the agent's plane once it starts:
   * the docker endpoint binds there, and the operator commands start with it.
   */
  public static SiteRuntime over(DockerRuntime runtime) {
    return SiteRuntime.of(runtime, plane -> new DockerSite(runtime, plane).start()
        .compose(site -> new DockerControl(site).start().map(v -> site.sagaHandoff())));
  }
}
