package io.baton.agent.runtime;

/**
 * One state change of an instance, stamped with {@link System#nanoTime()} so that transitions at
 * several sites in one process can be ordered. {@code to == null} means the instance is gone.
 */
public record InstanceTransition(String site, String instanceId, long epoch, InstanceState from, InstanceState to, long atNanos) {
}
