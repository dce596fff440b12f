package io.baton.deploy.bench;

import io.baton.protocol.MqttTopics;
import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.security.TlsContexts;
import io.baton.protocol.wire.TelemetryBatch;
import io.baton.protocol.wire.WireFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * QoS 1 JSON reports, one per message, from a few connections logged in as one gateway: a secured
 * broker lets a client publish only about itself, so the reports for the many simulated clients go
 * on the gateway's batch topic, each message a batch of one (a report per message, like the CoAP
 * load, so the two transports' rates compare). A broker acknowledges
 * a message when it has it, not when the agent has handled it, so the window here is end to end:
 * reports sent but not yet seen accepted on the bus. Without it the load would only measure how
 * fast the broker can queue. Open loop ({@link Pace#offered}) drops that window and publishes at
 * the rate, bounded only by the QoS 1 messages in flight to the broker: what the agent cannot take
 * it drops and counts.
 */
final class MqttTelemetryLoad extends SenderPool {
  private static final int CONNECTIONS = 2;
  private static final int WINDOW = 128;
  private static final int END_TO_END_WINDOW = 256;
  private static final int OPEN_LOOP_WINDOW = 2_048;

  private final String brokerUri;
  private final String batchTopic;
  private final ClientCredentials gateway;
  private final List<MqttAsyncClient> clients = new ArrayList<>();

  private final LongSupplier accepted;
  private final Pace pace;

  MqttTelemetryLoad(String brokerUri, String siteId, ClientCredentials gateway, LongSupplier accepted, Pace pace) {
    if (!gateway.gateway()) {
      throw new IllegalArgumentException(gateway.clientId() + " is not a gateway: only a gateway may report for others");
    }
    this.brokerUri = brokerUri;
    this.batchTopic = MqttTopics.Inbound.BATCH.topic(siteId, gateway.clientId());
    this.gateway = gateway;
    this.accepted = accepted;
    this.pace = pace;
  }

  @Override
  public void start(String[] clientIds) {
    AtomicLong sequence = new AtomicLong();
    long acceptedBefore = accepted.getAsLong();
    for (int i = 0; i < CONNECTIONS; i++) {
      MqttAsyncClient client = connect("baton-bench-load-" + i, pace.open() ? OPEN_LOOP_WINDOW : WINDOW);
      clients.add(client);
      int windowSize = pace.open() ? OPEN_LOOP_WINDOW : WINDOW;
      Semaphore window = new Semaphore(windowSize);
      long interval = pace.intervalNanos(CONNECTIONS);
      long[] next = {System.nanoTime()};
      IMqttActionListener acked = new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          window.release();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable failure) {
          failures.incrementAndGet();
          window.release();
        }
      };
      startSender("bench-mqtt-load-" + i, () -> {
        while (running()) {
          try {
            if (pace.open()) {
              TelemetryLoad.awaitSlot(next, interval);
              if (!window.tryAcquire()) {
                continue;
              }
            } else {
              if (sequence.get() - (accepted.getAsLong() - acceptedBefore) >= END_TO_END_WINDOW) {
                Thread.sleep(1);
                continue;
              }
              if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
              }
            }
            long n = sequence.incrementAndGet();
            String clientId = clientIds[(int) (n % clientIds.length)];
            byte[] body = WireFormat.JSON.encode(TelemetryBatch.toJson(List.of(TelemetryLoad.report(clientId, n))));
            client.publish(batchTopic, body, 1, false, null, acked);
            sent.incrementAndGet();
          } catch (InterruptedException e) {
            return;
          } catch (MqttException e) {
            failures.incrementAndGet();
            window.release();
          }
        }
      });
    }
  }

  private MqttAsyncClient connect(String id, int window) {
    try {
      MqttAsyncClient client = new MqttAsyncClient(brokerUri, id, new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setCleanSession(true);
      options.setMaxInflight(window * 2);
      options.setUserName(gateway.mqttUser());
      options.setPassword(gateway.secrets().mqttPassword().toCharArray());
      options.setSocketFactory(TlsContexts.trusting(gateway.clusterAnchors()).getSocketFactory());
      client.connect(options).waitForCompletion(10_000);
      return client;
    } catch (MqttException e) {
      throw new IllegalStateException("cannot connect the load to " + brokerUri + ": " + e.getMessage(), e);
    }
  }

  @Override
  void closeConnections() {
    for (MqttAsyncClient client : clients) {
      try {
        client.disconnectForcibly(0, 1_000);
        client.close(true);
      } catch (MqttException | RuntimeException ignored) {
        // the bench is over
      }
    }
  }
}
