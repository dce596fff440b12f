package io.baton.agent.runtime.container;

import java.time.Duration;

/**
 * A container engine that can hand a container off post-copy, as only runc with CRIU's lazy pages
 * can (Docker, containerd and Podman expose no lazy migration): the source dumps all but the
 * memory and keeps the frozen container's pages, serving them; the target restores at once and
 * faults each page in from the source as it is touched, while the rest is pushed behind.
 */
public interface PostCopyEngine extends ContainerEngine {
  /**
   * Freezes the container, dumps its state but its memory into {@link #checkpointDir} and serves
   * its pages on {@code address:port} to one lazy restore. The container stays here, frozen with
   * all of its memory, after the serving ends, however it ends: only the target knows whether it
   * got every page, so the source lets go ({@link #remove}) when the handoff commits, or resumes
   * ({@link #resumeFrozen}) when it aborts.
   */
  LazyPages checkpointLazily(String containerId, String name, String address, int port);

  /**
   * Hybrid: while lazy checkpoint {@code name} serves, marks each of its pages that still equals
   * the page in the earlier full checkpoint {@code parent} (pre-staged at the target) as in that
   * parent, so a restore beside the parent reads those there and fetches only the rest. Pages that
   * cannot be compared stay lazy. Returns how many pages went each way.
   */
  ParentPages referToParent(String containerId, String name, String parent);

  /** A lazy checkpoint's pages after {@link #referToParent}: read from the parent, or still fetched lazily. */
  record ParentPages(long inParent, long lazy) {
  }

  /** Thaws a container that {@link #checkpointLazily} left frozen: it runs on from where it stopped. */
  void resumeFrozen(String containerId);

  /**
   * Restores from {@link #checkpointDir} (state but memory) at once, the memory faulted in from
   * the source's {@code sourceAddress:sourcePort}. The returned pages are done once every page
   * is here.
   */
  LazyPages startFromLazySource(String containerId, String name, String sourceAddress, int sourcePort);

  /** One side of a post-copy transfer of pages, running until every page has crossed. */
  interface LazyPages extends AutoCloseable {
    /** Waits until every page has crossed; fails with the reason if the transfer failed. */
    void await(Duration deadline);

    boolean alive();

    /** Ends this side of the transfer now if it still runs (an abort at the target; a release at the source). */
    @Override
    void close();

    /** These pages, with {@code then} run after they close: what else served them goes with them. */
    default LazyPages closingAlso(Runnable then) {
      LazyPages pages = this;
      return new LazyPages() {
        @Override
        public void await(Duration deadline) {
          pages.await(deadline);
        }

        @Override
        public boolean alive() {
          return pages.alive();
        }

        @Override
        public void close() {
          try {
            pages.close();
          } finally {
            then.run();
          }
        }
      };
    }
  }
}
