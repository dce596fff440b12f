package io.baton.agent.runtime;

import io.vertx.core.json.JsonObject;

/**
 * What to run: the instance of {@code serviceKind} that serves {@code clientId}, under {@code
 * epoch}, with the kind's {@code options} (e.g. the synthetic workload's size).
 */
public record InstanceSpec(String instanceId, String clientId, String serviceKind, long epoch, JsonObject options) {

  public InstanceSpec {
    options = options == null ? new JsonObject() : options.copy();
  }

  public InstanceSpec(String instanceId, String clientId, String serviceKind, long epoch) {
    this(instanceId, clientId, serviceKind, epoch, new JsonObject());
  }

  public InstanceSpec withEpoch(long newEpoch) {
    return new InstanceSpec(instanceId, clientId, serviceKind, newEpoch, options);
  }
}
