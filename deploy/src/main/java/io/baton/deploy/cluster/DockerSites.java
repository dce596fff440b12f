package io.baton.deploy.cluster;

import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.docker.DockerControl;
import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.agent.runtime.docker.DockerSite;
import io.vertx.core.Future;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/** Sites whose services are containers: each its Docker Engine, docker transfer endpoint and operator commands. */
public final class DockerSites {
  private DockerSites() {
  }

  /** Starts one site's docker runtime on {@code member}: what {@code baton agent --runtime docker} runs. */
  public static Future<ServiceRuntime> start(Vertx member, String siteId, String host, int dockerPort, String dockerHost,
      long memoryCapMb, Optional<MemberCredentials> credentials) {
    DockerSite site = new DockerSite(member, siteId, host, dockerPort, new DockerEngine(dockerHost), memoryCapMb, credentials);
    return site.start().compose(started -> new DockerControl(started).start()).map(v -> site.runtime());
  }

  /** A mesh's docker sites: each site's engine and memory cap by site id, the docker endpoint on {@code dockerPort}. */
  public static SiteRuntimes runtimes(UnaryOperator<String> engineOfSite, ToLongFunction<String> memoryCapOfSite, int dockerPort) {
    return (member, site) -> start(member, site.siteId(), site.host(), dockerPort, engineOfSite.apply(site.siteId()),
        memoryCapOfSite.applyAsLong(site.siteId()), site.credentials());
  }
}
