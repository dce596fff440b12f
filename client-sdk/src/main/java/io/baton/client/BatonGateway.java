package io.baton.client;

import io.baton.client.spi.ClientTransport;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.TelemetryBatch;
import io.baton.protocol.wire.TelemetryReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An IoT gateway: one connection that attaches and reports for many devices. Reports queue up and
 * leave in batches (one CoAP POST or one MQTT message each) when {@code maxBatch} are waiting or
 * every {@code flushEvery}, whichever comes first. A batch is accepted or refused whole.
 */
public final class BatonGateway implements AutoCloseable {
  private final String gatewayId;
  private final int maxBatch;
  private final Duration timeout;
  private final Assignment site;
  private final boolean mqtt;
  private final ScheduledExecutorService timers;
  private final ClientTransport transport;
  private final List<TelemetryReport> queue = new ArrayList<>();
  private CompletableFuture<Void> nextFlush = new CompletableFuture<>();

  private BatonGateway(Builder builder) {
    this.gatewayId = Objects.requireNonNull(builder.gatewayId, "gatewayId");
    builder.connection.check(gatewayId);
    if (builder.maxBatch < 1 || builder.maxBatch > TelemetryBatch.MAX_REPORTS) {
      throw new IllegalArgumentException("maxBatch must be 1-" + TelemetryBatch.MAX_REPORTS + ", got " + builder.maxBatch);
    }
    this.maxBatch = builder.maxBatch;
    this.timeout = builder.timeout;
    this.site = builder.connection.bootstrap(gatewayId, "");
    this.mqtt = builder.connection.isMqtt();
    this.timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "baton-gateway-" + gatewayId);
      thread.setDaemon(true);
      return thread;
    });
    this.transport = builder.connection.open(gatewayId, timers, builder.connection.verifier());
    long period = builder.flushEvery.toNanos();
    timers.scheduleAtFixedRate(this::flush, period, period, TimeUnit.NANOSECONDS);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Attaches a device behind this gateway (over CoAP; over MQTT a device's attach is answered on the
   * device's own topics, so MQTT devices attach with their own {@link BatonClient}).
   */
  public CompletableFuture<Assignment> attach(String deviceId, String service) {
    if (mqtt) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException(
          "over MQTT a device attaches with its own BatonClient: the answer goes to the device's topics"));
    }
    return transport.attach(site, new AttachRequest(deviceId, service), timeout);
  }

  /** Queues a device's report; the future completes when the batch that carries it was accepted. */
  public synchronized CompletableFuture<Void> submit(TelemetryReport report) {
    queue.add(report);
    CompletableFuture<Void> carried = nextFlush;
    if (queue.size() >= maxBatch) {
      flush();
    }
    return carried;
  }

  /** Sends what is queued now, as one batch. */
  public synchronized CompletableFuture<Void> flush() {
    CompletableFuture<Void> carried = nextFlush;
    if (queue.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<TelemetryReport> batch = List.copyOf(queue);
    queue.clear();
    nextFlush = new CompletableFuture<>();
    transport.report(site, gatewayId, batch, timeout).whenComplete((v, failure) -> {
      if (failure == null) {
        carried.complete(null);
      } else {
        carried.completeExceptionally(failure);
      }
    });
    return carried;
  }

  @Override
  public void close() {
    flush();
    transport.close();
    timers.shutdownNow();
  }

  public static final class Builder extends ConnectionBuilder<Builder> {
    private String gatewayId;
    private int maxBatch = 100;
    private Duration flushEvery = Duration.ofMillis(200);
    private Duration timeout = Duration.ofSeconds(2);

    @Override
    Builder self() {
      return this;
    }

    public Builder gatewayId(String id) {
      this.gatewayId = id;
      return this;
    }

    public Builder maxBatch(int reports) {
      this.maxBatch = reports;
      return this;
    }

    public Builder flushEvery(Duration period) {
      this.flushEvery = period;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public BatonGateway build() {
      return new BatonGateway(this);
    }
  }
}
