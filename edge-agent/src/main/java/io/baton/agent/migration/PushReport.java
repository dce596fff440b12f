package io.baton.agent.migration;

/** What one push of pages cost: bytes on the wire, pages offered and chunks actually sent. */
public record PushReport(long bytesSent, int pagesOffered, int chunksSent, int attempts, long readMicros, long transferMicros) {
}
