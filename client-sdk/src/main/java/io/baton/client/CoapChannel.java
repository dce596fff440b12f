package io.baton.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * The client's one CoAP endpoint (one UDP socket) and the two things the SDK does with it:
 * confirmable POSTs with a deadline, and observations.
 */
final class CoapChannel implements AutoCloseable {
  static {
    CoapConfig.register();
    UdpConfig.register();
  }

  private final CoapEndpoint endpoint;
  private final ScheduledExecutorService timers;

  CoapChannel(ScheduledExecutorService timers) {
    // Without a file: Californium would otherwise write Californium3.properties into the app's directory.
    this.endpoint = new CoapEndpoint.Builder().setConfiguration(Configuration.createStandardWithoutFile()).build();
    this.timers = timers;
    try {
      endpoint.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the client's CoAP endpoint", e);
    }
  }

  /** POSTs JSON; completes with the response, or exceptionally after {@code timeout}. */
  CompletableFuture<CoapResponse> post(String uri, String json, Duration timeout) {
    CompletableFuture<CoapResponse> response = new CompletableFuture<>();
    Request request = Request.newPost();
    request.setURI(uri);
    request.setPayload(json);
    request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
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
