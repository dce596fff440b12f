package io.baton.agent.runtime.container;

import java.util.List;

/**
 * Removes Baton's containers from some engines when a run ends, fails or is interrupted: closing
 * it sweeps, and so does the JVM's shutdown (Ctrl-C, SIGTERM, a test fork told to exit), so a
 * benchmark or test stopped halfway leaves no container behind, paused or running.
 */
public final class ContainerSweep implements AutoCloseable {
  private final List<ContainerEngine> engines;
  private final Thread onShutdown;

  public ContainerSweep(List<ContainerEngine> engines) {
    this.engines = List.copyOf(engines);
    this.onShutdown = new Thread(this::sweep, "baton-container-sweep");
    Runtime.getRuntime().addShutdownHook(onShutdown);
  }

  /** Removes Baton's containers from every engine; an engine that fails is reported and the rest still swept. */
  public void sweep() {
    for (ContainerEngine engine : engines) {
      if (engine.closed()) {
        continue;
      }
      try {
        int removed = engine.removeBatonContainers();
        if (removed > 0 && Thread.currentThread() == onShutdown) {
          System.err.printf("removed %d Baton container(s) from %s on the way out%n", removed, engine.host());
        }
      } catch (RuntimeException failed) {
        System.err.printf("could not remove Baton's containers from %s: %s%n", engine.host(), failed.getMessage());
      }
    }
  }

  @Override
  public void close() {
    sweep();
    try {
      Runtime.getRuntime().removeShutdownHook(onShutdown);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
  }
}
