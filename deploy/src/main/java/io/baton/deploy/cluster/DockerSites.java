package io.baton.deploy.cluster;

import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.docker.DockerControl;
import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.agent.runtime.docker.DockerSite;
import io.baton.agent.runtime.docker.CheckpointProbe;
import io.baton.agent.runtime.docker.EngineDeadlines;
import io.vertx.core.Future;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * Sites whose services are containers: each its Docker Engine, docker transfer endpoint and
 * operator commands. A site takes services only on an engine that passed {@link CheckpointProbe}.
 */
public final class DockerSites {
  private DockerSites() {
  }

  /**
   * The site's engine, once it has checkpointed and restored a probe container. Blocks (seconds):
   * the CLI calls it before the agent joins the cluster, so a site that cannot hand services off
   * never joins. Fails with a one-line {@link CheckpointProbe.ProbeFailedException}.
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

  /** Starts one site's docker runtime on {@code member} over a probed engine: what {@code baton agent --runtime docker} runs. */
  public static Future<ServiceRuntime> start(Vertx member, String siteId, String host, int dockerPort, DockerEngine engine,
      long memoryCapMb, Optional<MemberCredentials> credentials) {
    DockerSite site = new DockerSite(member, siteId, host, dockerPort, engine, memoryCapMb, credentials);
    return site.start().compose(started -> new DockerControl(started).start()).map(v -> site.runtime());
  }

  /** A mesh's docker sites: each site's engine and memory cap by site id, the docker endpoint on {@code dockerPort}. */
  public static SiteRuntimes runtimes(UnaryOperator<String> engineOfSite, ToLongFunction<String> memoryCapOfSite, int dockerPort) {
    return runtimes(engineOfSite, memoryCapOfSite, dockerPort, EngineDeadlines.DEFAULTS);
  }

  /** As above, with the engines' calls under {@code deadlines}. */
  public static SiteRuntimes runtimes(UnaryOperator<String> engineOfSite, ToLongFunction<String> memoryCapOfSite, int dockerPort,
      EngineDeadlines deadlines) {
    return (member, site) -> member.executeBlocking(
            () -> probedEngine(engineOfSite.apply(site.siteId()), deadlines, CheckpointProbe.DEFAULT_IMAGE), false)
        .compose(engine -> start(member, site.siteId(), site.host(), dockerPort, engine,
            memoryCapOfSite.applyAsLong(site.siteId()), site.credentials()));
  }
}
