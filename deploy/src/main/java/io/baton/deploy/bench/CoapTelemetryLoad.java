package io.baton.deploy.bench;

import io.baton.client.coap.DtlsClientConfig;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.wire.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;

/**
 * Confirmable JSON POSTs to {@code /telemetry}, from a few DTLS endpoints, each with a window of
 * requests in flight (closed loop), or at a fixed rate with a much larger bound on what may be
 * outstanding (open loop: a sender whose bound is full skips its slot, so the offered rate is what
 * was sent). The endpoints present a gateway's certificate: a secured agent lets only a gateway
 * report for clients other than itself, so the simulated clients need no credentials. A 5.03
 * answer (the agent shed the report) counts as shed, not as a failure.
 */
final class CoapTelemetryLoad extends SenderPool {
  static {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
  }

  private static final int ENDPOINTS = 4;
  private static final int WINDOW = 32;
  private static final int OPEN_LOOP_OUTSTANDING = 2_048;

  private final String uri;
  private final ClientCredentials gateway;
  private final List<CoapEndpoint> endpoints = new ArrayList<>();
  private final Pace pace;

  CoapTelemetryLoad(String coapEndpoint, ClientCredentials gateway, Pace pace) {
    this.uri = coapEndpoint + "/" + CoapPaths.TELEMETRY;
    this.gateway = gateway;
    this.pace = pace;
  }

  @Override
  public void start(String[] clientIds) {
    AtomicLong sequence = new AtomicLong();
    for (int i = 0; i < ENDPOINTS; i++) {
      // The whole window goes out at once, before the handshake is done: let Scandium hold all of it.
      int window = pace.open() ? OPEN_LOOP_OUTSTANDING : WINDOW;
      Configuration config = Configuration.createStandardWithoutFile()
          .set(DtlsConfig.DTLS_MAX_DEFERRED_OUTBOUND_APPLICATION_MESSAGES, window);
      CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(config)
          .setConnector(new DTLSConnector(DtlsClientConfig.of(config, gateway))).build();
      try {
        endpoint.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      endpoints.add(endpoint);
      CoapClient client = new CoapClient(uri);
      client.setEndpoint(endpoint);
      Semaphore outstanding = new Semaphore(window);
      long interval = pace.intervalNanos(ENDPOINTS);
      long[] next = {System.nanoTime()};
      startSender("bench-coap-load-" + i, () -> {
        while (running()) {
          try {
            if (pace.open()) {
              TelemetryLoad.awaitSlot(next, interval);
              if (!outstanding.tryAcquire()) {
                continue;
              }
            } else if (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
              continue;
            }
          } catch (InterruptedException e) {
            return;
          }
          sent.incrementAndGet();
          long n = sequence.incrementAndGet();
          byte[] body = WireFormat.JSON.encode(TelemetryLoad.report(clientIds[(int) (n % clientIds.length)], n).toJson());
          client.post(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
              if (response.getCode() == ResponseCode.SERVICE_UNAVAILABLE) {
                shed.incrementAndGet();
              } else if (!response.isSuccess()) {
                failures.incrementAndGet();
              }
              outstanding.release();
            }

            @Override
            public void onError() {
              failures.incrementAndGet();
              outstanding.release();
            }
          }, body, MediaTypeRegistry.APPLICATION_JSON);
        }
      });
    }
  }

  @Override
  void closeConnections() {
    endpoints.forEach(CoapEndpoint::destroy);
  }
}
