package io.baton.client;

import io.baton.protocol.CoapPaths;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;

/**
 * An app's handle on the mesh, over CoAP. It attaches to a site, reports telemetry, calls the
 * service and follows redirects. A call made while the service moves is held ({@link HoldGate}):
 * it is re-sent, with the same request id, once the service answers again or the client is
 * redirected; the service's reply cache makes the replay execute at most once. The app sees
 * latency, never a handoff error.
 *
 * <pre>{@code
 * try (BatonClient client = BatonClient.builder().clientId("car-1").site("coap://127.0.0.2:5683").service("kv").build()) {
 *   client.attach().join();
 *   client.call(new JsonObject().put("op", "incr").put("key", "trip")).join();
 * }
 * }</pre>
 */
public final class BatonClient implements AutoCloseable {
  private final String clientId;
  private final String service;
  private final Duration attemptTimeout;
  private final Duration attachTimeout;
  private final Duration maxHold;
  private final Duration retryBackoff;
  private final ScheduledExecutorService timers;
  private final CoapChannel channel;
  private final AtomicReference<Assignment> assignment = new AtomicReference<>();
  private final AtomicReference<CoapObserveRelation> observation = new AtomicReference<>();
  private final AtomicLong sequence = new AtomicLong();
  private final List<Consumer<Assignment>> redirectListeners = new CopyOnWriteArrayList<>();
  private final String bootstrapEndpoint;
  private final HoldGate gate;
  private final JsonObject serviceOptions;

  private BatonClient(Builder builder) {
    this.clientId = Objects.requireNonNull(builder.clientId, "clientId");
    this.service = Objects.requireNonNull(builder.service, "service");
    this.bootstrapEndpoint = Objects.requireNonNull(builder.site, "site");
    this.serviceOptions = builder.serviceOptions.copy();
    this.attemptTimeout = builder.attemptTimeout;
    this.attachTimeout = builder.attachTimeout;
    this.maxHold = builder.maxHold;
    this.retryBackoff = builder.retryBackoff;
    this.timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "baton-client-" + clientId);
      thread.setDaemon(true);
      return thread;
    });
    this.channel = new CoapChannel(timers);
    this.gate = new HoldGate(timers, retryBackoff.toMillis());
  }

  public static Builder builder() {
    return new Builder();
  }

  public String clientId() {
    return clientId;
  }

  /** Where the service runs as far as this client knows; null before {@link #attach()}. */
  public Assignment assignment() {
    return assignment.get();
  }

  /** Called on each redirect the client follows, with the new assignment. */
  public void onRedirect(Consumer<Assignment> listener) {
    redirectListeners.add(listener);
  }

  /** Attaches at the bootstrap site and starts observing redirects where the service runs. */
  public CompletableFuture<Assignment> attach() {
    String json = new AttachRequest(clientId, service, serviceOptions).toJson().encode();
    return channel.post(bootstrapEndpoint + "/" + CoapPaths.ATTACH, json, attachTimeout)
        .thenApply(response -> Assignment.fromJson(new JsonObject(success(response))))
        .thenApply(attached -> {
          assignment.set(attached);
          observe(attached);
          return attached;
        });
  }

  /** Sends one telemetry report to the site that serves the client. */
  public CompletableFuture<Void> report(TelemetryReport report) {
    return channel.post(endpoint() + "/" + CoapPaths.TELEMETRY, report.toJson().encode(), attemptTimeout)
        .thenAccept(BatonClient::success);
  }

  /** Calls the service; completes once some site answered, or fails after the maximum hold time. */
  public CompletableFuture<CallResult> call(JsonObject request) {
    String requestId = clientId + ":" + sequence.incrementAndGet();
    String json = request.copy().put("requestId", requestId).encode();
    CompletableFuture<CallResult> result = new CompletableFuture<>();
    long startNanos = System.nanoTime();
    int[] attempts = {0};
    gate.submit(new java.util.function.Consumer<Boolean>() {
      @Override
      public void accept(Boolean probe) {
        attempts[0]++;
        attempt(requestId, json, startNanos, attempts[0], result, this);
      }
    });
    return result;
  }

  public CallResult callBlocking(JsonObject request) {
    return unwrap(call(request));
  }

  public Assignment attachBlocking() {
    return unwrap(attach());
  }

  private void attempt(String requestId, String json, long startNanos, int attempt, CompletableFuture<CallResult> result,
      java.util.function.Consumer<Boolean> again) {
    channel.post(endpoint() + "/" + CoapPaths.SERVICE + "/" + clientId, json, attemptTimeout).whenComplete((response, failure) -> {
      if (failure == null && response.getCode() == ResponseCode.CONTENT) {
        JsonObject reply = new JsonObject(response.getResponseText());
        result.complete(new CallResult(requestId, reply.getJsonObject("result"), reply.getString("site"),
            reply.getLong("epoch"), attempt, System.nanoTime() - startNanos));
        gate.release();
      } else if (failure == null && response.getCode() != ResponseCode.SERVICE_UNAVAILABLE) {
        result.completeExceptionally(new BatonException(response.getCode().text, response.getResponseText()));
      } else if (System.nanoTime() - startNanos > maxHold.toNanos()) {
        result.completeExceptionally(new BatonException("timeout", "call " + requestId + " held for "
            + maxHold.toMillis() + " ms without an answer"));
      } else {
        // Frozen for a handoff, or no answer: hold the call; it is sent again where the service is then.
        gate.hold(again);
      }
    });
  }

  private String endpoint() {
    Assignment current = assignment.get();
    return current == null ? bootstrapEndpoint : current.coapEndpoint();
  }

  private void observe(Assignment at) {
    CoapObserveRelation relation = channel.observe(at.coapEndpoint() + "/" + CoapPaths.HANDOFF + "/" + clientId, new CoapHandler() {
      @Override
      public void onLoad(CoapResponse response) {
        if (response.getCode() == ResponseCode.CONTENT) {
          follow(Assignment.fromJson(new JsonObject(response.getResponseText())));
        }
      }

      @Override
      public void onError() {
        // The site went away; calls keep being retried and the next redirect re-establishes observation.
      }
    });
    CoapObserveRelation previous = observation.getAndSet(relation);
    if (previous != null) {
      previous.proactiveCancel();
    }
  }

  /** Adopts a newer assignment (a higher epoch) and moves the observation to the new site. */
  private void follow(Assignment next) {
    Assignment current = assignment.get();
    if (current != null && next.epoch() <= current.epoch()) {
      return;
    }
    if (assignment.compareAndSet(current, next)) {
      observe(next);
      gate.release();
      redirectListeners.forEach(listener -> listener.accept(next));
    }
  }

  private static String success(CoapResponse response) {
    if (!response.isSuccess()) {
      throw new BatonException(response.getCode().text, response.getResponseText());
    }
    return response.getResponseText();
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

  @Override
  public void close() {
    CoapObserveRelation relation = observation.getAndSet(null);
    if (relation != null) {
      relation.reactiveCancel();
    }
    channel.close();
    timers.shutdownNow();
  }

  /** Settings of a client; only the client id, a site and the service kind are required. */
  public static final class Builder {
    private String clientId;
    private String site;
    private String service;
    private Duration attemptTimeout = Duration.ofMillis(1_000);
    private Duration attachTimeout = Duration.ofSeconds(30);
    private Duration maxHold = Duration.ofSeconds(30);
    private Duration retryBackoff = Duration.ofMillis(20);
    private JsonObject serviceOptions = new JsonObject();

    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** The CoAP endpoint of any site, e.g. {@code coap://127.0.0.2:5683}. */
    public Builder site(String coapEndpoint) {
      this.site = coapEndpoint;
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

    /** How long one send waits for an answer before the call is held. */
    public Builder attemptTimeout(Duration timeout) {
      this.attemptTimeout = timeout;
      return this;
    }

    /** How long an attach may take: the first one deploys the service, which may be large. */
    public Builder attachTimeout(Duration timeout) {
      this.attachTimeout = timeout;
      return this;
    }

    /** How long a call may be held (through handoffs and retries) before it fails. */
    public Builder maxHold(Duration hold) {
      this.maxHold = hold;
      return this;
    }

    /** The first wait before a held call probes again; it doubles up to a second. */
    public Builder retryBackoff(Duration backoff) {
      this.retryBackoff = backoff;
      return this;
    }

    public BatonClient build() {
      return new BatonClient(this);
    }
  }
}
