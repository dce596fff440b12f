package io.baton.agent.runtime;

/** What to run: the instance of {@code serviceKind} that serves {@code clientId}, under {@code epoch}. */
public record InstanceSpec(String instanceId, String clientId, String serviceKind, long epoch) {
}
