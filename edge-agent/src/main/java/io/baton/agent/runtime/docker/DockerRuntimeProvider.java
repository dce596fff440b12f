package io.baton.agent.runtime.docker;

import io.baton.agent.runtime.HandoffStrategy;
import io.baton.agent.runtime.RuntimeProvider;
import io.baton.agent.runtime.RuntimeSettings;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.SiteRuntime;
import io.baton.agent.runtime.TransferPlane;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * {@code --runtime docker}: services as containers on the site's Docker Engine, handed off with
 * CRIU checkpoints. Settings: docker-host, docker-port (its transfer endpoint), memory-cap-mb,
 * engine-deadlines, probe-image.
 */
public final class DockerRuntimeProvider implements RuntimeProvider {
  public static final String DOCKER_HOST = "docker-host";
  public static final String DOCKER_PORT = "docker-port";
  public static final String MEMORY_CAP_MB = "memory-cap-mb";
  public static final String ENGINE_DEADLINES = "engine-deadlines";
  public static final String PROBE_IMAGE = "probe-image";
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
  public static final int DEFAULT_DOCKER_PORT = 7543;

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
    int dockerPort = (int) settings.number(DOCKER_PORT, DEFAULT_DOCKER_PORT, 1, 65_535);
    long memoryCapMb = settings.number(MEMORY_CAP_MB, 0, 0, Long.MAX_VALUE >> 20);
    EngineDeadlines deadlines = settings.text(ENGINE_DEADLINES).map(EngineDeadlines::parse).orElse(EngineDeadlines.DEFAULTS);
    DockerEngine engine = probedEngine(dockerHost, deadlines, settings.text(PROBE_IMAGE, CheckpointProbe.DEFAULT_IMAGE));
    return (member, site) -> start(member, new DockerSite(member, site.siteId(), site.host(), dockerPort, engine, memoryCapMb,
        site.credentials()));
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

  /** Starts the site's docker transfer endpoint and operator commands, then serves as the site's runtime. */
  public static Future<SiteRuntime> start(Vertx member, DockerSite site) {
    return site.start().compose(started -> new DockerControl(started).start()).map(v -> over(site));
  }

  private static SiteRuntime over(DockerSite site) {
    return new SiteRuntime() {
      @Override
      public ServiceRuntime lifecycle() {
        return site.runtime();
      }

      /** Containers cross on the site's docker transfer endpoint, not on the agent's plane (yet: issue 14). */
      @Override
      public HandoffStrategy handoffStrategy(TransferPlane plane) {
        return site.sagaHandoff();
      }

      @Override
      public Future<Void> stop() {
        return site.stop();
      }
    };
  }
}
