package io.baton.deploy.bench;

import io.baton.client.BatonGateway;
import io.baton.protocol.security.ClientCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Attaches many simulated clients at one site through one CoAP gateway, as an IoT gateway would. */
final class GatewayAttach {
  private static final int AT_ONCE = 100;

  private GatewayAttach() {
  }

  /**
   * A hundred at a time. The first goes alone: until its DTLS handshake is done, Scandium holds
   * only a few outbound messages and drops the rest.
   */
  static void all(String coapEndpoint, ClientCredentials gateway, String[] ids) {
    try (BatonGateway attacher = BatonGateway.builder().gatewayId(gateway.clientId()).credentials(gateway)
        .site(coapEndpoint).timeout(Duration.ofSeconds(10)).build()) {
      attacher.attach(ids[0], "counter").join();
      for (int from = 1; from < ids.length; from += AT_ONCE) {
        List<CompletableFuture<?>> batch = new ArrayList<>();
        for (int i = from; i < Math.min(ids.length, from + AT_ONCE); i++) {
          batch.add(attacher.attach(ids[i], "counter"));
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
      }
    }
  }
}
