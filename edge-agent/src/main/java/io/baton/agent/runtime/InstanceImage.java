package io.baton.agent.runtime;

import io.baton.agent.runtime.memory.PagedMemory;

/**
 * What a migration moves: the instance's memory pages and its execution state (everything else:
 * service kind and options, the reply cache). On a source the memory is the live one, so a
 * pre-copy round can read it while the service keeps writing.
 */
public record InstanceImage(PagedMemory memory, byte[] executionState) {
}
