package io.baton.agent.migration;

/** What a pre-dump phase did: rounds, bytes sent, time reading pages and time transferring them. */
public record PrecopyReport(int rounds, long bytesSent, long pagesSent, long readMicros, long transferMicros, String stopReason) {
  public static final PrecopyReport NONE = new PrecopyReport(0, 0, 0, 0, 0, "no pre-dump phase");
}
