package io.baton.agent.clients;

import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.ClientRecordFeed;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * This agent's local view of the client directory, for telemetry only: a report needs the client's
 * serving site, and a read of the replicated map per report (a remote call to the key's owner) is
 * what bounded an agent's telemetry rate. A local view kept by the map's entry listener, rather
 * than a Hazelcast near cache on {@code baton.clients}: a near cache would serve every reader of
 * the map, and the handoff fence reads the record before its compare-and-swap (the source freezes
 * only if it reads "locked by this handoff"; it resumes only if it reads itself serving again), so
 * a stale cached read there could freeze or resume the wrong instance. Here only telemetry reads
 * the view; the fence keeps reading and swapping the map itself.
 *
 * <p>Freshness: the feed replaces a record as soon as its owner announces the write (a handoff's
 * swap reaches the view in the time of one cluster event). A client absent from the view (attached
 * a moment ago, or before this agent subscribed) is read from the map, so its first report is
 * accepted at once; that read enters the view only if no announced record got there first, so an
 * older read never overwrites a newer announcement. And a record older than {@link #REFRESH_MS} is
 * read again in the background (the reports keep using it meanwhile): a lost event cannot leave the
 * view wrong for longer than that. Records are never dropped (the directory has no removal): the
 * view holds one decoded record, a few hundred bytes, per client of the mesh.
 */
public final class ClientView {
  static final long REFRESH_MS = 10_000;

  /** One read of the directory's record (the map's owner answers): the view's only remote call. */
  private final Function<String, Future<Optional<ClientRecord>>> read;
  private final LongSupplier clock;
  private final ConcurrentMap<String, Entry> records = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Future<Optional<ClientRecord>>> reading = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong announcements = new java.util.concurrent.atomic.AtomicLong();
  private volatile Runnable unsubscribe = () -> { };

  private record Entry(ClientRecord record, long confirmedAtMs) {
  }

  public ClientView(ClientDirectory directory) {
    this(directory::find, System::currentTimeMillis);
  }

  ClientView(Function<String, Future<Optional<ClientRecord>>> read, LongSupplier clock) {
    this.read = read;
    this.clock = clock;
  }

  /** Subscribes to the feed; from then on every write of the directory reaches the view. */
  public Future<Void> start(ClientRecordFeed feed) {
    return feed.subscribe(this::announced).map(stop -> {
      unsubscribe = stop;
      return null;
    });
  }

  public void stop() {
    unsubscribe.run();
  }

  private void announced(ClientRecord record) {
    records.put(record.clientId(), new Entry(record, clock.getAsLong()));
    announcements.incrementAndGet();
  }

  /** Records the feed has announced so far (tests, operators: is the view being fed?). */
  public long announcements() {
    return announcements.get();
  }

  /** The client's record as this agent knows it, without a remote read; empty if it does not. */
  public Optional<ClientRecord> known(String clientId) {
    Entry entry = records.get(clientId);
    if (entry == null) {
      return Optional.empty();
    }
    if (clock.getAsLong() - entry.confirmedAtMs() > REFRESH_MS) {
      refresh(clientId, entry);
    }
    return Optional.of(entry.record());
  }

  /**
   * Reads the client's record from the directory (the view did not have it) and keeps it. Reports
   * that miss while a read is out share it: a client sending a thousand reports before its record
   * arrives costs one remote read, not a thousand (uncoalesced, a slow cluster got 800,000 reads
   * queued at one member and never caught up).
   */
  public Future<Optional<ClientRecord>> fetch(String clientId) {
    Promise<Optional<ClientRecord>> shared = Promise.promise();
    Future<Optional<ClientRecord>> inFlight = reading.putIfAbsent(clientId, shared.future());
    if (inFlight != null) {
      return inFlight;
    }
    read.apply(clientId).map(found -> {
      found.ifPresent(record -> records.putIfAbsent(clientId, new Entry(record, clock.getAsLong())));
      Entry entry = records.get(clientId);
      return entry == null ? found : Optional.of(entry.record());
    }).onComplete(result -> {
      reading.remove(clientId, shared.future());
      shared.handle(result);
    });
    return shared.future();
  }

  /** Directory reads out now (tests: are misses coalesced?). */
  int readsInFlight() {
    return reading.size();
  }

  /**
   * Re-reads a record that has not been confirmed for a while. Replaces only the entry it started
   * from: if an announcement came in meanwhile, that one is newer than the read. The entry is
   * re-stamped first, so one refresh runs per period, not one per report.
   */
  private void refresh(String clientId, Entry stale) {
    Entry refreshing = new Entry(stale.record(), clock.getAsLong());
    if (!records.replace(clientId, stale, refreshing)) {
      return;
    }
    read.apply(clientId).onSuccess(found -> found.ifPresent(
        record -> records.replace(clientId, refreshing, new Entry(record, clock.getAsLong()))));
  }
}
