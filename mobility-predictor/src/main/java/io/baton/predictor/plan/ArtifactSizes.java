package io.baton.predictor.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many bytes pre-staging an instance moves: what its last pre-stage or handoff moved, or the
 * default until one did. Bounded: the least recently used instances are forgotten.
 */
public final class ArtifactSizes {
  private static final int MAX_INSTANCES = 100_000;

  private final long defaultBytes;
  private final Map<String, Long> known = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_INSTANCES;
    }
  };

  public ArtifactSizes(long defaultBytes) {
    this.defaultBytes = defaultBytes;
  }

  public long bytesOf(String instanceId) {
    return known.getOrDefault(instanceId, defaultBytes);
  }

  public void measured(String instanceId, long bytes) {
    if (bytes > 0) {
      known.put(instanceId, bytes);
    }
  }
}
