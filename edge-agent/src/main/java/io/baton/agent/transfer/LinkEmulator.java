package io.baton.agent.transfer;

import io.baton.protocol.directory.LinkProfile;
import io.baton.protocol.directory.LinkTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies this site's emulated outgoing links to every transfer-plane message it sends:
 * {@link #transmit} paces bytes at the link's bandwidth (messages queue behind each other, as on
 * a wire) and {@link #propagate} adds the one-way delay. A link without a profile costs nothing.
 * Also where tests and the fault-injection suite break a link on purpose ({@link LinkFaults}).
 */
public final class LinkEmulator {
  private final Vertx vertx;
  private final String siteId;
  private final LinkTable table;
  private final Map<String, Optional<LinkProfile>> profiles = new ConcurrentHashMap<>();
  private final Map<String, Long> busyUntilNanos = new HashMap<>();
  private final LinkFaults faults = new LinkFaults();

  public LinkEmulator(Vertx vertx, String siteId) {
    this.vertx = vertx;
    this.siteId = siteId;
    this.table = new LinkTable(vertx);
  }

  /** Reads the current profile of the link to {@code toSite}; call before a migration. */
  public Future<Optional<LinkProfile>> refresh(String toSite) {
    return table.find(siteId, toSite).onSuccess(profile -> profiles.put(toSite, profile));
  }

  public Optional<LinkProfile> profile(String toSite) {
    return profiles.getOrDefault(toSite, Optional.empty());
  }

  public LinkFaults faults() {
    return faults;
  }

  /**
   * How far the sender may run ahead of the wire. Timers fire late by a millisecond or more; with
   * no slack every late timer would be bandwidth lost, with it the link's clock ({@code
   * busyUntil}) keeps the average exact.
   */
  private static final long SLACK_NANOS = 5_000_000;

  /**
   * Completes when {@code bytes} have (nearly) left on the link to {@code toSite}: for streams of
   * many messages, which may run {@link #SLACK_NANOS} ahead.
   */
  public Future<Void> transmit(String toSite, long bytes) {
    return pace(toSite, bytes, SLACK_NANOS);
  }

  private Future<Void> pace(String toSite, long bytes, long slackNanos) {
    Optional<LinkProfile> profile = profile(toSite);
    if (profile.isEmpty()) {
      return Future.succeededFuture();
    }
    long now = System.nanoTime();
    long done;
    synchronized (busyUntilNanos) {
      long start = Math.max(now, busyUntilNanos.getOrDefault(toSite, now));
      done = start + (long) (bytes * 8 * 1e9 / profile.get().bandwidthBitsPerSecond());
      busyUntilNanos.put(toSite, done);
    }
    return after(done - now - slackNanos);
  }

  /** Completes after the link's one-way delay. */
  public Future<Void> propagate(String toSite) {
    return profile(toSite).map(p -> after((long) (p.oneWayDelayMillis() * 1e6))).orElse(Future.succeededFuture());
  }

  /**
   * Transmission then propagation: one whole message on the link, paced exactly (a single message,
   * such as the bandwidth probe's, must take its full wire time).
   */
  public Future<Void> deliver(String toSite, long bytes) {
    return pace(toSite, bytes, 0).compose(v -> propagate(toSite));
  }

  private Future<Void> after(long nanos) {
    long millis = nanos / 1_000_000;
    if (millis < 1) {
      // Below the timer's resolution: the link's clock (busyUntil) still accounts for it.
      return Future.succeededFuture();
    }
    Promise<Void> elapsed = Promise.promise();
    vertx.setTimer(millis, id -> elapsed.complete());
    return elapsed.future();
  }
}
