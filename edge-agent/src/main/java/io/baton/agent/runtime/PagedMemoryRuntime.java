package io.baton.agent.runtime;

import io.baton.agent.runtime.memory.PagedMemory;
import io.vertx.core.Future;

/**
 * A runtime whose instances live in {@link PagedMemory}: its state is captured as an
 * {@link InstanceImage} and applied by staging one, which is what seed 000's techniques move
 * page by page ({@code migration.PagedMemoryHandoff}).
 */
public interface PagedMemoryRuntime extends ServiceRuntime {

  /** The instance's memory (live, not a copy) and its execution state captured now. */
  Future<InstanceImage> image(String instanceId);

  /**
   * Rebuilds an instance from a memory (complete, or filling in as pages arrive) and an execution
   * state, STAGED: it does not serve until {@link #activate}. A corrupt execution state is refused
   * with {@link CorruptSnapshotException} and nothing is staged.
   */
  Future<Void> stage(InstanceSpec spec, PagedMemory memory, byte[] executionState);
}
