package io.baton.agent.runtime.container;

import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.agent.runtime.runc.RuncEngine;
import io.baton.protocol.security.MemberCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The sites the container tests run on, per backend, and cleanup between tests. Docker: the
 * engines deploy/scripts/docker-engine.sh starts as site-a and site-b, images from
 * deploy/workloads/build-images.sh on site-a. Runc: two state roots of the runc runtime, whose
 * site a imports the same images from that Docker engine through skopeo.
 */
public final class TestEngines {
  private TestEngines() {
  }

  /** The Docker engine of {@code site}; should the test JVM be stopped midway (Ctrl-C), Baton's containers there go with it. */
  public static ContainerEngine docker(String site) {
    return swept(new DockerEngine(dockerHost(site)));
  }

  /**
   * A runc site on this host ({@code site} "a" or "b"), with its own state root and bridge. Site a
   * imports the workload images from Docker site a when it lacks them; site b starts empty but
   * for the busybox base, so a workload's own layer must cross.
   */
  public static ContainerEngine runc(String site) {
    return runc(site, Optional.empty());
  }

  /** With a member's credentials, the site's CRIU page traffic runs over TLS. */
  public static ContainerEngine runc(String site, Optional<MemberCredentials> member) {
    RuncEngine engine = RuncEngine.open(member.map(runcSettings(site)::withCredentials).orElse(runcSettings(site)));
    if (site.equals("a")) {
      for (String image : List.of("baton/busybox:1", "baton/counter:1", "baton/memwork:1", "baton/netkv:1")) {
        engine.importImage(image, dockerHost("a"));
      }
    } else {
      engine.importImage("baton/busybox:1", dockerHost("a"));
    }
    return swept(engine);
  }

  public static RuncEngine.Settings runcSettings(String site) {
    int n = site.equals("a") ? 1 : 2;
    return new RuncEngine.Settings(Path.of("/var/lib/baton/runc/test-site-" + site), "10.233." + n + ".0/24",
        EngineDeadlines.DEFAULTS);
  }

  private static ContainerEngine swept(ContainerEngine engine) {
    new ContainerSweep(List.of(engine));
    return engine;
  }

  static String dockerHost(String site) {
    String fromEnv = System.getenv("BATON_DOCKER_SITE_" + site.toUpperCase());
    return fromEnv != null ? fromEnv : "unix:///var/lib/baton/engines/site-" + site + "/docker.sock";
  }

  public static ContainerProfile counter() {
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

  static List<String> batonContainers(ContainerEngine engine) {
    return engine.batonContainers();
  }

  static void removeBatonContainers(ContainerEngine engine) {
    engine.removeBatonContainers();
  }

  /** Leaves only the busybox base on the engine, so the workloads' own layers must be sent. */
  static void keepOnlyBaseImage(ContainerEngine engine) {
    for (String image : List.of("baton/memwork:1", "baton/counter:1", "baton/netkv:1")) {
      if (engine.hasImage(image)) {
        engine.removeImage(image);
      }
    }
  }

  /** The bytes of the image's layer files, as they would cross in full. */
  static long layerSize(ContainerEngine engine, String image) {
    try (InputStream saved = engine.save(image)) {
      return ImageArchives.layerBytes(ImageArchives.missingFiles(saved, engine.diffIds(image), java.util.Set.of()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
