package io.baton.client;

import io.baton.client.spi.CallOutcome;
import io.baton.client.spi.AssignmentVerifier;
import io.baton.client.spi.ClientTransport;
import io.baton.client.spi.ClientTransport.RemoteError;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An app's handle on the mesh, over CoAP or MQTT (one builder, the same behaviour). It attaches to
 * a site, reports telemetry, calls the service and follows redirects. A call made while the service
 * moves is held: it is re-sent, with the same request id, until a site answers; the service's reply
 * cache makes the replay execute at most once. The app sees latency, never a handoff error.
 *
 * <p>A client that loses its site (the site restarts, the network drops, the app restarts with a
 * saved {@link #assignment()}) attaches again where it was last sent, and only then at the bootstrap
 * site: attach is idempotent, so it gets its running service back, not a new one.
 *
 * <pre>{@code
 * try (BatonClient client = BatonClient.builder().clientId("car-1").service("kv")
 *     .mqtt("site-a", "tcp://127.0.0.2:1883").build()) {
 *   client.attachBlocking();
 *   client.callBlocking(new JsonObject().put("op", "incr").put("key", "trip"));
 * }
 * }</pre>
 */
public final class BatonClient implements AutoCloseable {
  private final String clientId;
  private final String service;
  private final RetryPolicy retry;
  private final Assignment bootstrap;
  private final ScheduledExecutorService timers;
  private final ClientTransport transport;
  private final AtomicReference<Assignment> assignment = new AtomicReference<>();
  private final AtomicLong sequence = new AtomicLong();
  /**
   * Distinguishes this run of the app from earlier ones in its request ids: the service's reply
   * cache outlives the app, and a restarted app counting from 1 again must not be answered from it.
   */
  private final String incarnation = Long.toString(System.currentTimeMillis(), 36)
      + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
  private final AtomicInteger unanswered = new AtomicInteger();
  private final AtomicReference<CompletableFuture<Assignment>> reattaching = new AtomicReference<>();
  private final List<Consumer<Assignment>> redirectListeners = new CopyOnWriteArrayList<>();
  private final List<HandoffListener> handoffListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<BatonException>> errorListeners = new CopyOnWriteArrayList<>();
  private final HandoffTracker handoffs;
  private final Set<CompletableFuture<CallResult>> outstanding = ConcurrentHashMap.newKeySet();
  private final HoldGate gate;
  private final JsonObject serviceOptions;
  private final AssignmentVerifier verifier;

  private BatonClient(Builder builder) {
    this.clientId = Objects.requireNonNull(builder.clientId, "clientId");
    this.service = Objects.requireNonNull(builder.service, "service");
    builder.connection.check(clientId);
    this.retry = builder.retry;
    this.serviceOptions = builder.serviceOptions.copy();
    this.bootstrap = builder.connection.bootstrap(clientId, service);
    this.assignment.set(builder.lastKnown);
    this.timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "baton-client-" + clientId);
      thread.setDaemon(true);
      return thread;
    });
    this.gate = new HoldGate(timers, retry.backoff().toMillis());
    this.verifier = builder.connection.verifier();
    this.transport = builder.connection.open(clientId, timers, verifier);
    this.handoffs = new HandoffTracker(clientId, handoffListeners);
    transport.onReconnect(() -> reattach());
    transport.onError((RemoteError error) -> {
      BatonException exception = new BatonException(error.code(), error.reason() + " (" + error.about() + ")");
      errorListeners.forEach(listener -> listener.accept(exception));
    });
  }

  public static Builder builder() {
    return new Builder();
  }

  public String clientId() {
    return clientId;
  }

  /** Where the service runs as far as this client knows; null before {@link #attach()}. Save it to resume after a restart. */
  public Assignment assignment() {
    return assignment.get();
  }

  /** Assignments this client refused to follow: malformed, or not sealed by the mesh for it (forged, tampered). */
  public long rejectedAssignments() {
    return verifier.rejected();
  }

  /** Called on each redirect the client follows, with the new assignment. */
  public void onRedirect(Consumer<Assignment> listener) {
    redirectListeners.add(listener);
  }

  public void onHandoff(HandoffListener listener) {
    handoffListeners.add(listener);
  }

  /** Refusals the mesh sends outside any call (over MQTT, e.g. of a telemetry report). */
  public void onError(Consumer<BatonException> listener) {
    errorListeners.add(listener);
  }

  /**
   * Attaches: at the last known assignment if there is one (a restarted app, a lost site), else,
   * or if that site does not answer, at the bootstrap site. Then follows redirects from there.
   */
  public CompletableFuture<Assignment> attach() {
    CompletableFuture<Assignment> attached = new CompletableFuture<>();
    attachAttempt(System.nanoTime(), attached);
    return attached.thenApply(this::adopt);
  }

  /**
   * One round: the last known site, then the bootstrap site. A refusal (4.xx) ends it; anything
   * else (no answer, no connection) is tried again after the backoff, for as long as a call may be held.
   */
  private void attachAttempt(long startNanos, CompletableFuture<Assignment> attached) {
    AttachRequest request = new AttachRequest(clientId, service, serviceOptions);
    Assignment last = assignment.get();
    CompletableFuture<Assignment> round = last == null
        ? transport.attach(bootstrap, request, retry.attemptTimeout())
        : transport.attach(last, request, retry.attemptTimeout())
            .exceptionallyCompose(lost -> transport.attach(bootstrap, request, retry.attemptTimeout()));
    round.whenComplete((done, failure) -> {
      if (failure == null) {
        attached.complete(done);
        return;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      boolean refused = cause instanceof BatonException baton && baton.code().startsWith("4.");
      if (refused || System.nanoTime() - startNanos > retry.maxHold().toNanos()) {
        attached.completeExceptionally(cause);
      } else {
        timers.schedule(() -> attachAttempt(startNanos, attached), retry.backoff().toMillis(), TimeUnit.MILLISECONDS);
      }
    });
  }

  public Assignment attachBlocking() {
    return unwrap(attach());
  }

  /** Sends one telemetry report to the site that serves the client. */
  public CompletableFuture<Void> report(TelemetryReport report) {
    return transport.report(current(), clientId, List.of(report), retry.attemptTimeout());
  }

  public void reportBlocking(TelemetryReport report) {
    unwrap(report(report));
  }

  /** Reports {@code readings.get()} every {@code period} until the reporter (or the client) is closed. */
  public TelemetryReporter startReporting(Duration period, Supplier<TelemetryReport> readings) {
    return new TelemetryReporter(timers, period, readings, this::report);
  }

  /** Calls the service; completes once some site answered, or fails after the maximum hold time. */
  public CompletableFuture<CallResult> call(JsonObject request) {
    String requestId = clientId + ":" + incarnation + "-" + sequence.incrementAndGet();
    CompletableFuture<CallResult> result = new CompletableFuture<>();
    outstanding.add(result);
    // A held call waits its turn behind the others (one probe at a time); its maximum runs regardless.
    long maxHoldMs = retry.maxHold().toMillis() + retry.attemptTimeout().toMillis();
    ScheduledFuture<?> expiry = timers.schedule(() -> result.completeExceptionally(new BatonException("timeout",
        "call " + requestId + " held for " + retry.maxHold().toMillis() + " ms without an answer")), maxHoldMs, TimeUnit.MILLISECONDS);
    result.whenComplete((r, e) -> {
      outstanding.remove(result);
      expiry.cancel(false);
    });
    JsonObject body = request.copy();
    long startNanos = System.nanoTime();
    gate.submit(probe -> attempt(requestId, body, startNanos, 1, result, probe));
    return result;
  }

  public CallResult callBlocking(JsonObject request) {
    return unwrap(call(request));
  }

  private void attempt(String requestId, JsonObject request, long startNanos, int attempt, CompletableFuture<CallResult> result,
      boolean probe) {
    if (result.isDone()) {
      // Expired while it waited in the gate: not sent; if it was to probe, the next one does.
      if (probe) {
        gate.passOn();
      }
      return;
    }
    Assignment at = current();
    transport.call(at, clientId, requestId, request, retry.attemptTimeout()).thenAccept(outcome -> {
      if (outcome instanceof CallOutcome.Answered answered) {
        unanswered.set(0);
        JsonObject reply = answered.reply();
        CallResult done = new CallResult(requestId, reply.getJsonObject("result"), reply.getString("site"),
            reply.getLong("epoch"), attempt, System.nanoTime() - startNanos);
        handoffs.answered(done.site(), done.epoch(), startNanos);
        result.complete(done);
        gate.release();
      } else if (outcome instanceof CallOutcome.Refused refused) {
        result.completeExceptionally(new BatonException(refused.code(), refused.reason()));
        // A refusal is an answer: the site is reachable, so the calls held behind this one may go.
        gate.release();
      } else {
        hold((CallOutcome.Unavailable) outcome, at, requestId, request, startNanos, attempt, result);
      }
    }).exceptionally(bug -> {
      // Whatever went wrong, this call must end and must not keep the others held.
      result.completeExceptionally(bug);
      gate.release();
      return null;
    });
  }

  /** Frozen for a handoff, or no answer: hold the call and send it again where the service is now. */
  private void hold(CallOutcome.Unavailable why, Assignment at, String requestId, JsonObject request, long startNanos,
      int attempt, CompletableFuture<CallResult> result) {
    handoffs.held(at, startNanos, why.frozen());
    if (!why.frozen() && unanswered.incrementAndGet() >= retry.reattachAfter()) {
      unanswered.set(0);
      reattach();
    }
    if (System.nanoTime() - startNanos > retry.maxHold().toNanos()) {
      result.completeExceptionally(new BatonException("timeout", "call " + requestId + " held for "
          + retry.maxHold().toMillis() + " ms without an answer: " + why.why()));
      gate.giveUp();
      return;
    }
    // One probe for all held calls (HoldGate): a long freeze must not turn into a retry storm.
    gate.hold(probe -> attempt(requestId, request, startNanos, attempt + 1, result, probe));
  }

  /** One re-attach at a time: the site may have lost the client (a restart) or the client the site. */
  private CompletableFuture<Assignment> reattach() {
    CompletableFuture<Assignment> running = reattaching.get();
    if (running != null && !running.isDone()) {
      return running;
    }
    CompletableFuture<Assignment> next = new CompletableFuture<>();
    if (!reattaching.compareAndSet(running, next)) {
      return reattaching.get();
    }
    attach().whenComplete((a, e) -> {
      if (e != null) {
        next.completeExceptionally(e);
      } else {
        next.complete(a);
      }
    });
    return next;
  }

  private Assignment current() {
    Assignment current = assignment.get();
    return current == null ? bootstrap : current;
  }

  /** Takes what an attach answered as the truth (it comes from the directory) and listens for redirects there. */
  private Assignment adopt(Assignment attached) {
    Assignment previous = assignment.getAndSet(attached);
    transport.follow(attached, clientId, this::follow);
    gate.release();
    if (previous != null && previous.epoch() > 0 && attached.epoch() > previous.epoch()) {
      handoffs.redirected(previous);
      redirectListeners.forEach(listener -> listener.accept(attached));
    }
    return attached;
  }

  /** Adopts a newer assignment (a higher epoch) and moves the listening to the new site. */
  private void follow(Assignment next) {
    Assignment current = assignment.get();
    if (current != null && next.epoch() <= current.epoch()) {
      return;
    }
    if (assignment.compareAndSet(current, next)) {
      transport.follow(next, clientId, this::follow);
      gate.release();
      if (current != null) {
        handoffs.redirected(current);
      }
      redirectListeners.forEach(listener -> listener.accept(next));
    }
  }

  private static <T> T unwrap(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }

  /** Stops the client; calls still held fail (with code "closed") rather than wait forever. */
  @Override
  public void close() {
    transport.close();
    timers.shutdownNow();
    outstanding.forEach(call -> call.completeExceptionally(new BatonException("closed", "the client was closed")));
  }

  /** Settings of a client: the client id, the service kind and one bootstrap site are required. */
  public static final class Builder extends ConnectionBuilder<Builder> {
    private String clientId;
    private String service;
    private Assignment lastKnown;
    private RetryPolicy retry = RetryPolicy.defaults();
    private JsonObject serviceOptions = new JsonObject();

    @Override
    Builder self() {
      return this;
    }

    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    public Builder service(String kind) {
      this.service = kind;
      return this;
    }

    /** Options of the service kind, used when the first attach deploys it (e.g. {"sizeMb":75}). */
    public Builder serviceOptions(JsonObject options) {
      this.serviceOptions = options.copy();
      return this;
    }

    /** The assignment a previous run of this client saved: attach goes there first. */
    public Builder lastKnown(Assignment assignment) {
      this.lastKnown = assignment;
      return this;
    }

    public Builder retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Shorthand for a retry policy with this attempt timeout. */
    public Builder attemptTimeout(Duration timeout) {
      this.retry = new RetryPolicy(timeout, retry.backoff(), retry.maxHold(), retry.reattachAfter());
      return this;
    }

    /** Shorthand for a retry policy with this maximum hold. */
    public Builder maxHold(Duration hold) {
      this.retry = new RetryPolicy(retry.attemptTimeout(), retry.backoff(), hold, retry.reattachAfter());
      return this;
    }

    public BatonClient build() {
      return new BatonClient(this);
    }
  }
}
