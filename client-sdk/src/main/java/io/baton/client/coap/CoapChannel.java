package io.baton.client.coap;

import io.baton.client.BatonException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import io.baton.protocol.security.ClientCredentials;

/**
 * The client's one CoAP endpoint (one UDP socket) and the two things the SDK does with it: POSTs
 * with a deadline (confirmable or not; large bodies go block-wise, RFC 7959, both ways), and
 * observations. With credentials the endpoint speaks DTLS 1.2 (coaps://): with the client's
 * certificate if it has one, else with its pre-shared key (identity: the client id).
 */
final class CoapChannel implements AutoCloseable {
  static {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
  }

  /** As large as the agent accepts: an AR frame or a gateway's batch, reassembled from blocks. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final CoapEndpoint endpoint;
  private final ScheduledExecutorService timers;

  CoapChannel(ScheduledExecutorService timers, Optional<ClientCredentials> credentials) {
    // Without a file: Californium would otherwise write Californium3.properties into the app's directory.
    Configuration config = Configuration.createStandardWithoutFile().set(CoapConfig.MAX_RESOURCE_BODY_SIZE, MAX_BODY_BYTES);
    CoapEndpoint.Builder builder = new CoapEndpoint.Builder().setConfiguration(config);
    credentials.ifPresent(own -> builder.setConnector(new DTLSConnector(DtlsClientConfig.of(config, own))));
    this.endpoint = builder.build();
    this.timers = timers;
    try {
      endpoint.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the client's CoAP endpoint", e);
    }
  }

  /** POSTs a body; completes with the response, or exceptionally after {@code timeout}. */
  CompletableFuture<CoapResponse> post(String uri, byte[] payload, int contentFormat, boolean confirmable, Duration timeout) {
    CompletableFuture<CoapResponse> response = new CompletableFuture<>();
    Request request = Request.newPost();
    request.setURI(uri);
    request.setConfirmable(confirmable);
    request.setPayload(payload);
    request.getOptions().setContentFormat(contentFormat);
    CoapClient client = client(uri);
    client.advanced(new CoapHandler() {
      @Override
      public void onLoad(CoapResponse coapResponse) {
        response.complete(coapResponse);
      }

      @Override
      public void onError() {
        response.completeExceptionally(new BatonException("timeout", "no answer from " + uri));
      }
    }, request);
    timers.schedule(() -> {
      if (response.completeExceptionally(new BatonException("timeout", "no answer from " + uri + " within " + timeout.toMillis() + " ms"))) {
        request.cancel();
      }
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    return response;
  }

  /**
   * GETs {@code uri} and ignores the answer: what matters is the connection it opens (over DTLS, the
   * handshake with that site), which the next requests there reuse.
   */
  void touch(String uri, Duration timeout) {
    Request request = Request.newGet();
    request.setURI(uri);
    client(uri).advanced(new CoapHandler() {
      @Override
      public void onLoad(CoapResponse response) {
      }

      @Override
      public void onError() {
      }
    }, request);
    timers.schedule(request::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  CoapObserveRelation observe(String uri, CoapHandler handler) {
    return client(uri).observe(handler);
  }

  private CoapClient client(String uri) {
    CoapClient client = new CoapClient(uri);
    client.setEndpoint(endpoint);
    return client;
  }

  @Override
  public void close() {
    endpoint.destroy();
  }
}
