package io.baton.agent.runtime.memory;

/**
 * Newly dirtied bytes per second, over a sliding window of one-second buckets. The adaptive
 * technique choice reads it to predict how much a pre-copy round leaves behind.
 */
final class DirtyRateMeter {
  private static final int WINDOW_SECONDS = 5;

  private final long[] buckets = new long[WINDOW_SECONDS];
  private long bucketSecond = -1;
  private final long startSecond = nowSecond();

  synchronized void record(long bytes) {
    roll();
    buckets[(int) (bucketSecond % WINDOW_SECONDS)] += bytes;
  }

  synchronized double bytesPerSecond() {
    roll();
    long seconds = Math.min(WINDOW_SECONDS, Math.max(1, bucketSecond - startSecond));
    long total = 0;
    // Skip the current, partial second: it would bias the rate low.
    for (int i = 1; i <= seconds; i++) {
      total += buckets[(int) ((bucketSecond - i + WINDOW_SECONDS) % WINDOW_SECONDS)];
    }
    return (double) total / seconds;
  }

  private void roll() {
    long now = nowSecond();
    if (bucketSecond < 0) {
      bucketSecond = now;
      return;
    }
    for (long s = bucketSecond + 1; s <= now && s <= bucketSecond + WINDOW_SECONDS; s++) {
      buckets[(int) (s % WINDOW_SECONDS)] = 0;
    }
    bucketSecond = Math.max(bucketSecond, now);
  }

  private static long nowSecond() {
    return System.nanoTime() / 1_000_000_000L;
  }
}
