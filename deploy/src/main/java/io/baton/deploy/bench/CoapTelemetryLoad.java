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
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;

/**
 * Confirmable JSON POSTs to {@code /telemetry}, from a few DTLS endpoints, each with a window of
 * requests in flight. The endpoints present a gateway's certificate: a secured agent lets only a
 * gateway report for clients other than itself, so the simulated clients need no credentials.
 */
final class CoapTelemetryLoad extends SenderPool {
  static {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
  }

  private static final int ENDPOINTS = 4;
  private static final int WINDOW = 32;

  private final String uri;
  private final ClientCredentials gateway;
  private final List<CoapEndpoint> endpoints = new ArrayList<>();

  CoapTelemetryLoad(String coapEndpoint, ClientCredentials gateway) {
    this.uri = coapEndpoint + "/" + CoapPaths.TELEMETRY;
    this.gateway = gateway;
  }

  @Override
  public void start(String[] clientIds) {
    AtomicLong sequence = new AtomicLong();
    for (int i = 0; i < ENDPOINTS; i++) {
      // The whole window goes out at once, before the handshake is done: let Scandium hold all of it.
      Configuration config = Configuration.createStandardWithoutFile()
          .set(DtlsConfig.DTLS_MAX_DEFERRED_OUTBOUND_APPLICATION_MESSAGES, WINDOW);
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
      Semaphore window = new Semaphore(WINDOW);
      startSender("bench-coap-load-" + i, () -> {
        while (running()) {
          try {
            if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
              continue;
            }
          } catch (InterruptedException e) {
            return;
          }
          long n = sequence.incrementAndGet();
          byte[] body = WireFormat.JSON.encode(TelemetryLoad.report(clientIds[(int) (n % clientIds.length)], n).toJson());
          client.post(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
              if (!response.isSuccess()) {
                failures.incrementAndGet();
              }
              window.release();
            }

            @Override
            public void onError() {
              failures.incrementAndGet();
              window.release();
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
