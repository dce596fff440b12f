package io.baton.broker.adaptive;

import io.baton.broker.adaptive.MigrationModel.Estimate;
import java.util.ArrayList;
import java.util.List;

/**
 * Predicts a container's downtime and total time per technique, as seed 002's stages and CRIU run
 * them, from the link the source measured (bandwidth, RTT), the container's anonymous memory and
 * how many of its pages it touches per second. Unlike paged memory, a container pays for its whole
 * memory at the freeze (CRIU dumps all of it, the target restores all of it) whatever crosses the
 * link, and its post-copy memory crosses as CRIU's lazy-pages daemon fetches it: one request in
 * flight, 64 KiB after every page fault and up to 4 MiB when none come ({@code criu/uffd.c}).
 *
 * <p>The engine costs are runc's, fitted to {@code bench docker} on the project's 2-core machines
 * (src/site/resources/bench/docker/README.md, the run of 2026-12-05 with hybrid): a full checkpoint
 * 150 ms + 1 ms/MB, its restore 150 ms + 2 ms/MB, a lazy checkpoint 200 ms, a lazy restore 150 ms;
 * CRIU's other images
 * (128 KiB, half of which change between dumps). Inside the downtime the transfer makes two round
 * trips (the frozen state's chunk stream, the restore request), one more to ask what a pre-staged
 * target lacks, and a lazy restore three more for its page connection.
 * Pre-staging runs up to {@link #PRESTAGE_ROUNDS} rounds and stops after one under 1 MB, as
 * {@code ContainerHandoff} does. Hybrid pre-stages so, freezes as post-copy does, compares the
 * frozen memory with the pre-staged pages, and fetches lazily only what was written since.
 */
public final class ContainerMigrationModel {
  public static final int PAGE_SIZE = 4096;
  static final int PRESTAGE_ROUNDS = 3;
  static final double SMALL_ROUND_BYTES = 1_000_000;
  static final double FAULTING_WINDOW_BYTES = 64 * 1024;
  static final double QUIET_WINDOW_BYTES = 4 * 1024 * 1024;
  /** CRIU's images but the memory (processes, files, namespaces): all of them cross in a full checkpoint. */
  static final double CHECKPOINT_IMAGES_BYTES = 128 * 1024;
  /** What of them changes between two dumps, and crosses in a pre-staged or lazy final checkpoint. */
  static final double CHANGED_IMAGES_BYTES = 64 * 1024;
  private static final double MB = 1024 * 1024;
  static final double LAZY_CHECKPOINT_SECONDS = 0.200;
  static final double LAZY_RESTORE_SECONDS = 0.150;
  /** CRIU's lazy-pages daemon ends about this long after its last page (busybox's 0.03 MB: 0.62-0.66 s). */
  static final double LAZY_END_SECONDS = 0.6;
  /**
   * Hybrid: reading the frozen memory and the pre-staged pages to compare them, per MB of state
   * (64 MB: the freeze took 40-100 ms longer than post-copy's). The restore's reading of the
   * unchanged pages from the pre-staged checkpoint did not show beside the round trip it adds.
   */
  static final double COMPARE_SECONDS_PER_MB = 0.001;

  /** What the source measured: link, anonymous memory, pages touched per second, and what its engine can run. */
  public record Inputs(double bytesPerSecond, double rttMillis, long stateBytes, double touchedPagesPerSecond,
      List<String> techniques) {
  }

  /** Pre-staging's time, and what the container dirtied while its last round crossed (what is left at the freeze). */
  private record Prestaging(double seconds, double dirtyBytes) {
  }

  /** Each round is a leave-running checkpoint ({@code checkpoint} seconds), then what changed crossing. */
  private static Prestaging prestaging(double bytes, double pages, double bandwidth, double rtt, double checkpoint,
      double touchedPagesPerSecond) {
    double roundBytes = bytes;
    double seconds = 0;
    for (int round = 1; round <= PRESTAGE_ROUNDS; round++) {
      double roundTime = checkpoint + roundBytes / bandwidth + rtt;
      seconds += roundTime;
      roundBytes = MigrationModel.distinctDirtied(pages, Math.max(0, touchedPagesPerSecond), roundTime) * PAGE_SIZE;
      if (roundBytes < SMALL_ROUND_BYTES && round < PRESTAGE_ROUNDS) {
        // The next round is small: it is the last one.
        double lastTime = checkpoint + roundBytes / bandwidth + rtt;
        seconds += lastTime;
        roundBytes = MigrationModel.distinctDirtied(pages, Math.max(0, touchedPagesPerSecond), lastTime) * PAGE_SIZE;
        break;
      }
    }
    return new Prestaging(seconds, roundBytes);
  }

  public List<Estimate> estimate(Inputs in) {
    double bandwidth = in.bytesPerSecond();
    double rtt = in.rttMillis() / 1000;
    double bytes = Math.max(PAGE_SIZE, in.stateBytes());
    double pages = bytes / PAGE_SIZE;
    double mb = bytes / MB;
    double freeze = 0.150 + 0.001 * mb;
    double restore = 0.150 + 0.002 * mb;
    double requests = 2 * rtt;

    double coldDowntime = freeze + (bytes + CHECKPOINT_IMAGES_BYTES) / bandwidth + requests + restore;
    List<Estimate> estimates = new ArrayList<>();
    estimates.add(new Estimate("cold", coldDowntime * 1000, (coldDowntime + rtt) * 1000, false));

    Prestaging ahead = prestaging(bytes, pages, bandwidth, rtt, freeze, in.touchedPagesPerSecond());
    if (in.techniques().isEmpty() || in.techniques().contains("pre-copy")) {
      double downtime = freeze + (ahead.dirtyBytes() + CHANGED_IMAGES_BYTES) / bandwidth + rtt + requests + restore;
      estimates.add(new Estimate("pre-copy", downtime * 1000, (ahead.seconds() + downtime) * 1000, false));
    }

    double window = in.touchedPagesPerSecond() > 0 ? FAULTING_WINDOW_BYTES : QUIET_WINDOW_BYTES;
    double lazyRate = window / (rtt + window / bandwidth);
    double lazyDowntime = LAZY_CHECKPOINT_SECONDS + CHANGED_IMAGES_BYTES / bandwidth + requests + LAZY_RESTORE_SECONDS + 3 * rtt;
    if (in.techniques().contains("post-copy")) {
      estimates.add(new Estimate("post-copy", lazyDowntime * 1000, (lazyDowntime + bytes / lazyRate + LAZY_END_SECONDS) * 1000,
          true));
    }
    if (in.techniques().contains("hybrid")) {
      // The lazy freeze, then the frozen memory compared with the pre-staged pages, and one more
      // round trip to ask what the target lacks.
      double downtime = lazyDowntime + COMPARE_SECONDS_PER_MB * mb + rtt;
      estimates.add(new Estimate("hybrid", downtime * 1000,
          (ahead.seconds() + downtime + ahead.dirtyBytes() / lazyRate + LAZY_END_SECONDS) * 1000, true));
    }
    return List.copyOf(estimates);
  }

}
