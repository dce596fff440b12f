package io.baton.agent.migration;

/** A link as measured end to end over the transfer plane: bandwidth and round-trip time. */
public record LinkEstimate(double bytesPerSecond, double rttMillis) {

  /** Compress chunks on links slower than this: below it, CPU time is cheaper than wire time. */
  public static final double COMPRESS_BELOW_BYTES_PER_SECOND = 100e6 / 8;

  public boolean worthCompressing() {
    return bytesPerSecond < COMPRESS_BELOW_BYTES_PER_SECOND;
  }
}
