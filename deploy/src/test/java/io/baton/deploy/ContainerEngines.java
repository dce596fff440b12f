package io.baton.deploy;

import com.github.dockerjava.api.model.Container;
import io.baton.agent.runtime.container.ContainerSweep;
import io.baton.agent.runtime.docker.DockerEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** The Docker Engines the container tests run on, and what those tests ask of them. */
final class ContainerEngines {
  private ContainerEngines() {
  }

  /** The engines .ci/run starts (site-a, site-b), or others named by BATON_DOCKER_SITE_A/B. */
  /** The engine at {@code host}; should the test JVM be stopped midway (Ctrl-C), Baton's containers there go with it. */
  static DockerEngine open(String host) {
    DockerEngine engine = new DockerEngine(host);
    new ContainerSweep(List.of(engine));
    return engine;
  }

  static String engine(String site) {
    String fromEnv = System.getenv("BATON_DOCKER_SITE_" + site.toUpperCase());
    return fromEnv != null ? fromEnv : "unix:///var/lib/baton/engines/site-" + site + "/docker.sock";
  }

  /** {@code mb} MB of state dirtied at 64 KB/s; {@code memwork query} answers with the counter and the checksums. */
  static JsonObject memwork(int mb) {
    return new JsonObject().put("image", "baton/memwork:1")
        .put("cmd", new JsonArray(List.of("/usr/bin/memwork", "serve", "--mb", String.valueOf(mb), "--dirty-kbps", "64")))
        .put("cpus", 1.0).put("memoryMb", mb + 64).put("query", new JsonArray(List.of("/usr/bin/memwork", "query")));
  }

  /** Every container a Baton runtime made on {@code engine}, running or not. */
  static List<Container> batonContainers(DockerEngine engine) {
    return engine.client().listContainersCmd().withShowAll(true).withLabelFilter(Map.of("io.baton.instance", "")).exec();
  }

  static long running(DockerEngine engine) {
    return batonContainers(engine).stream().filter(c -> "running".equals(c.getState())).count();
  }

  static void removeBatonContainers(DockerEngine engine) {
    engine.removeBatonContainers();
  }
}
