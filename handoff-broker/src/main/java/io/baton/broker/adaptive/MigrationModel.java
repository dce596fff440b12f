package io.baton.broker.adaptive;

import java.util.List;

/**
 * Predicts each technique's downtime and total time from what the source measured: link
 * bandwidth and RTT, state size, dirty rate, execution-state size. Times follow seed 000's
 * definitions (downtime = dump + dump transfer + resume). Writes land on random pages, so the
 * distinct pages dirtied in t seconds are P(1 - e^(-dt/P)) for P pages dirtied at d pages/s.
 * Pre-copy rounds stop on the same limits the agents apply.
 */
public final class MigrationModel {
  static final int PAGE_SIZE = 4096;
  /**
   * A target that serves only once it holds every page first builds the memory from its chunk
   * store and checks the page digest: about 1.2 us a page on the project's 2-core machines (75 MB:
   * pre-copy's downtime 35 ms against post-copy's 12 ms in `bench migration`'s configuration C).
   */
  static final double RESTORE_SECONDS_PER_PAGE = 1.2e-6;

  /** What the source measured. */
  public record Inputs(double bytesPerSecond, double rttMillis, long stateBytes, double dirtyBytesPerSecond, long executionStateBytes) {
  }

  /** One technique's prediction, in milliseconds. */
  public record Estimate(String technique, double downtimeMillis, double totalMillis, boolean splitsState) {
  }

  private final int maxRounds;
  private final int smallDirtyPages;
  private final double shrinkFactor;

  public MigrationModel(int maxRounds, int smallDirtyPages, double shrinkFactor) {
    this.maxRounds = maxRounds;
    this.smallDirtyPages = smallDirtyPages;
    this.shrinkFactor = shrinkFactor;
  }

  /** The agents' default pre-copy limits (PrecopyLimits.defaults()). */
  public static MigrationModel withDefaultLimits() {
    return new MigrationModel(5, 16, 0.8);
  }

  public List<Estimate> estimate(Inputs in) {
    double pages = Math.max(1, Math.ceil((double) in.stateBytes() / PAGE_SIZE));
    double dirtyPagesPerSecond = Math.max(0, in.dirtyBytesPerSecond()) / PAGE_SIZE;
    double rtt = in.rttMillis() / 1000;
    double bandwidth = in.bytesPerSecond();
    // The wire protocol's round trips (PagePusher, MigrationSource): an offer and its answer; a
    // chunk stream and its receipt; the execution state's message, which also carries a pre-copy's
    // last dirty pages (and nothing else crosses between freeze and restore for the lazy ones).
    double offer = rtt;
    double stateMessage = rtt + in.executionStateBytes() / bandwidth;
    double fullStream = pages * PAGE_SIZE / bandwidth + rtt;

    double assembly = pages * RESTORE_SECONDS_PER_PAGE;
    double cold = offer + fullStream + stateMessage + assembly;

    double preCopyTime = 0;
    double sent = pages;
    double roundTime = offer + fullStream;
    double leftBehind = 0;
    for (int round = 1; round <= maxRounds; round++) {
      preCopyTime += roundTime;
      double next = distinctDirtied(pages, dirtyPagesPerSecond, roundTime);
      leftBehind = next;
      if (round == maxRounds || next < smallDirtyPages || next > shrinkFactor * sent) {
        break;
      }
      sent = next;
      roundTime = offer + next * PAGE_SIZE / bandwidth + rtt;
    }
    double preCopyDowntime = leftBehind * PAGE_SIZE / bandwidth + stateMessage + assembly;

    double postCopyDowntime = stateMessage;
    double postCopyTotal = postCopyDowntime + fullStream;

    double hybridRound = offer + fullStream;
    double hybridDirty = distinctDirtied(pages, dirtyPagesPerSecond, hybridRound);
    // Hybrid's target builds what the round sent before it serves, and faults in the rest.
    double hybridDowntime = stateMessage + (pages - hybridDirty) * RESTORE_SECONDS_PER_PAGE;
    double hybridTotal = hybridRound + hybridDowntime + hybridDirty * PAGE_SIZE / bandwidth + rtt;

    return List.of(
        new Estimate("cold", cold * 1000, cold * 1000, false),
        new Estimate("pre-copy", preCopyDowntime * 1000, (preCopyTime + preCopyDowntime) * 1000, false),
        new Estimate("post-copy", postCopyDowntime * 1000, postCopyTotal * 1000, true),
        new Estimate("hybrid", hybridDowntime * 1000, hybridTotal * 1000, true));
  }

  /** Distinct pages of {@code pages} hit by {@code perSecond} random writes in {@code seconds}. */
  static double distinctDirtied(double pages, double perSecond, double seconds) {
    return pages * (1 - Math.exp(-perSecond * seconds / pages));
  }
}
