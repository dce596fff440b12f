package io.baton.agent.runtime.docker;

import com.github.dockerjava.api.model.Container;
import java.util.List;
import java.util.Map;

/**
 * The two engines the docker tests run on (deploy/scripts/docker-engine.sh start site-a|site-b,
 * images from deploy/workloads/build-images.sh on site-a), and cleanup between tests.
 */
final class TestEngines {
  private TestEngines() {
  }

  /** The engine of {@code site}; should the test JVM be stopped midway (Ctrl-C), Baton's containers there go with it. */
  static DockerEngine open(String site) {
    DockerEngine engine = new DockerEngine(host(site));
    new ContainerSweep(List.of(engine));
    return engine;
  }

  static String host(String site) {
    String fromEnv = System.getenv("BATON_DOCKER_SITE_" + site.toUpperCase());
    return fromEnv != null ? fromEnv : "unix:///var/lib/baton/engines/site-" + site + "/docker.sock";
  }

  static ContainerProfile counter() {
    return new ContainerProfile("baton/counter:1", List.of(), 0.5, 64, List.of());
  }

  static ContainerProfile memwork(int megabytes, int dirtyKbps) {
    return new ContainerProfile("baton/memwork:1",
        List.of("/usr/bin/memwork", "serve", "--mb", String.valueOf(megabytes), "--dirty-kbps", String.valueOf(dirtyKbps)),
        1.0, megabytes + 64, List.of("/usr/bin/memwork", "query"));
  }

  /** The networked workload: an HTTP counter and key-value server on port 8080; `netkv health` checks it. */
  static ContainerProfile netkv() {
    return new ContainerProfile("baton/netkv:1", List.of(), 0.5, 32, List.of("/usr/bin/netkv", "health"), 8080);
  }

  static List<Container> batonContainers(DockerEngine engine) {
    return engine.client().listContainersCmd().withShowAll(true).withLabelFilter(Map.of("io.baton.instance", "")).exec();
  }

  static void removeBatonContainers(DockerEngine engine) {
    engine.removeBatonContainers();
  }

  /** Leaves only the busybox base on the engine, so the workloads' own layers must be sent. */
  static void keepOnlyBaseImage(DockerEngine engine) {
    for (String image : List.of("baton/memwork:1", "baton/counter:1")) {
      if (engine.hasImage(image)) {
        engine.client().removeImageCmd(image).withForce(true).exec();
      }
    }
  }

  static long layerSize(DockerEngine engine, String image) {
    return engine.client().inspectImageCmd(image).exec().getSize();
  }
}
