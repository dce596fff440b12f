package io.baton.agent.runtime.runc;

import io.baton.agent.runtime.RuntimeProvider;
import io.baton.agent.runtime.RuntimeSettings;
import io.baton.agent.runtime.SiteRuntime;
import io.baton.agent.runtime.container.CheckpointProbe;
import io.baton.agent.runtime.container.ContainerRuntime;
import io.baton.agent.runtime.container.ContainerSite;
import io.baton.agent.runtime.container.ContainerSettings;
import java.nio.file.Path;

/**
 * {@code --runtime runc}: services as containers whose OCI bundles Baton keeps itself (images by
 * skopeo and umoci, an overlay writable layer, runc and CRIU driven directly), handed off through
 * the same container stages as the docker runtime. Settings: state-root (each site keeps its
 * containers in a directory of its own under it), subnet (an IPv4 /24 for the site's networked
 * containers; default 10.234.N.0/24, N from the site's id, so that the sites of a single-host
 * mesh get different ones), image-source (a Docker Engine to copy images from), memory-cap-mb,
 * engine-deadlines, probe-image.
 */
public final class RuncRuntimeProvider implements RuntimeProvider {
  public static final String STATE_ROOT = "state-root";
  public static final String SUBNET = "subnet";
  public static final String IMAGE_SOURCE = "image-source";
  public static final String DEFAULT_STATE_ROOT = "/var/lib/baton/runc";

  @Override
  public String name() {
    return "runc";
  }

  @Override
  public String summary() {
    return "containers Baton runs with runc and CRIU directly (its own bundles and overlay), handed off like docker's";
  }

  /**
   * Parses every setting, opens the site's state root (per site: a directory of its own under
   * state-root) and probes it with a real checkpoint and restore.
   */
  @Override
  public Launcher prepare(RuntimeSettings settings) {
    Path stateRoot = Path.of(settings.text(STATE_ROOT, DEFAULT_STATE_ROOT));
    if (!stateRoot.isAbsolute()) {
      throw new IllegalArgumentException(STATE_ROOT + " must be an absolute path, got '" + stateRoot + "'");
    }
    var subnet = settings.text(SUBNET);
    subnet.ifPresent(SiteNetwork::network);
    ContainerSettings container = ContainerSettings.from(settings);
    var imageSource = settings.text(IMAGE_SOURCE);
    return (member, site) -> member.<SiteRuntime>executeBlocking(() -> {
      RuncEngine.Settings own = new RuncEngine.Settings(stateRoot.resolve(site.siteId()),
          subnet.orElseGet(() -> defaultSubnet(site.siteId())), container.deadlines(),
          imageSource);
      // A secured site's page traffic (post-copy, page server) runs over TLS with its member credentials.
      RuncEngine engine = RuncEngine.open(site.credentials().map(own::withCredentials).orElse(own));
      try {
        CheckpointProbe.run(engine, container.probeImage());
      } catch (RuntimeException failed) {
        engine.close();
        throw failed;
      }
      return ContainerSite.siteRuntime(new ContainerRuntime(member, site.siteId(), engine, container.memoryCapMb()));
    }, false);
  }

  /** 10.234.N.0/24 with N in 1..250 from the site id: distinct for a handful of sites on one host. */
  public static String defaultSubnet(String siteId) {
    return "10.234." + (1 + Math.floorMod(siteId.hashCode(), 250)) + ".0/24";
  }
}
