package io.baton.deploy;

import io.baton.client.coap.DtlsClientConfig;
import io.baton.protocol.security.ClientCredentials;
import java.io.IOException;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.eclipse.californium.scandium.DTLSConnector;

/** A raw Californium client over DTLS with a client's credentials: for requests the SDK would never send. */
final class SecureCoap implements AutoCloseable {
  static {
    CoapConfig.register();
    UdpConfig.register();
  }

  private final CoapEndpoint endpoint;

  SecureCoap(ClientCredentials credentials) {
    Configuration config = Configuration.createStandardWithoutFile();
    endpoint = new CoapEndpoint.Builder().setConfiguration(config)
        .setConnector(new DTLSConnector(DtlsClientConfig.of(config, credentials))).build();
    try {
      endpoint.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  CoapEndpoint endpoint() {
    return endpoint;
  }

  /** A JSON POST; null when nothing answered within 5 s (e.g. the handshake failed). */
  CoapResponse post(String uri, String json) throws ConnectorException, IOException {
    CoapClient client = new CoapClient(uri).setEndpoint(endpoint).setTimeout(5_000L);
    return client.post(json, MediaTypeRegistry.APPLICATION_JSON);
  }

  CoapResponse get(String uri) throws ConnectorException, IOException {
    return new CoapClient(uri).setEndpoint(endpoint).setTimeout(5_000L).get();
  }

  @Override
  public void close() {
    endpoint.destroy();
  }
}
