package io.baton.agent.runtime.container;

import io.baton.agent.runtime.RuntimeSettings;

/**
 * The settings every container runtime takes, whatever its engine ({@code --runtime-setting
 * NAME=VALUE}), parsed and checked before anything is made.
 *
 * @param memoryCapMb the most memory any container gets at the site (0: no cap)
 * @param deadlines   how long each kind of engine call may take
 * @param probeImage  the image of the checkpoint probe run before the site takes services
 */
public record ContainerSettings(long memoryCapMb, EngineDeadlines deadlines, String probeImage) {
  public static final String MEMORY_CAP_MB = "memory-cap-mb";
  public static final String ENGINE_DEADLINES = "engine-deadlines";
  public static final String PROBE_IMAGE = "probe-image";

  public static ContainerSettings from(RuntimeSettings settings) {
    return new ContainerSettings(settings.number(MEMORY_CAP_MB, 0, 0, Long.MAX_VALUE >> 20),
        settings.text(ENGINE_DEADLINES).map(EngineDeadlines::parse).orElse(EngineDeadlines.DEFAULTS),
        settings.text(PROBE_IMAGE, CheckpointProbe.DEFAULT_IMAGE));
  }
}
