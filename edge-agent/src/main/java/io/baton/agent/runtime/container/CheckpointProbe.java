package io.baton.agent.runtime.container;

import java.util.List;

/**
 * Proves, before a site takes any service, that its engine can checkpoint and restore: a probe
 * container is started, dumped (its process ends), restored from the dump and must run again.
 * `criu check` is no such proof: a CRIU that passes it can still hang in every dump, and a site
 * that accepted services there would freeze them at their first handoff. Every step runs under
 * the engine's deadlines, and the probe container is removed whatever happens.
 */
public final class CheckpointProbe {
  /** The image .ci/run and deploy/workloads/build-images.sh put on every engine. */
  public static final String DEFAULT_IMAGE = "baton/busybox:1";
  private static final String NAME_PREFIX = "baton-probe-";
  private static final String CHECKPOINT = "probe";

  private CheckpointProbe() {
  }

  /**
   * Runs the probe on {@code engine} with {@code image} (which must have {@code sleep}). Returns
   * how long it took in milliseconds; fails with {@link ProbeFailedException}, whose message is one
   * line saying what did not work.
   */
  public static long run(ContainerEngine engine, String image) {
    long start = System.nanoTime();
    if (!engine.hasImage(image)) {
      throw new ProbeFailedException("the checkpoint probe's image " + image + " is not on the engine at " + engine.host()
          + " (deploy/workloads/build-images.sh builds it)");
    }
    String containerId = null;
    try {
      containerId = engine.create(NAME_PREFIX + Long.toHexString(System.nanoTime()),
          new ContainerProfile(image, List.of("sleep", "3600"), 0, 0, List.of()));
      engine.start(containerId);
      engine.checkpoint(containerId, CHECKPOINT, true);
      engine.startFromCheckpoint(containerId, CHECKPOINT);
      if (!engine.running(containerId)) {
        throw new IllegalStateException("the probe container did not run after its restore");
      }
      return (System.nanoTime() - start) / 1_000_000;
    } catch (RuntimeException failed) {
      throw new ProbeFailedException("the engine at " + engine.host() + " cannot checkpoint and restore a container: "
          + oneLine(failed.getMessage()));
    } finally {
      if (containerId != null) {
        engine.remove(containerId);
      }
    }
  }

  private static String oneLine(String message) {
    String text = message == null ? "unknown failure" : message.strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /** The engine cannot checkpoint or restore; the message is one line saying why. */
  public static final class ProbeFailedException extends RuntimeException {
    public ProbeFailedException(String message) {
      super(message);
    }
  }
}
