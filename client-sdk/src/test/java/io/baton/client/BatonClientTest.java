package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client on its own, against a site where nothing answers (127.0.60.99: this class's own address). */
class BatonClientTest {

  @Test
  void closingTheClientFailsTheCallsItStillHolds() throws Exception {
    BatonClient client = BatonClient.builder().clientId("lonely-1").service("counter").site("coap://127.0.60.99:5683").build();
    CompletableFuture<CallResult> held = client.call(new JsonObject().put("op", "increment"));
    Thread.sleep(300);
    assertFalse(held.isDone(), "nobody answers: the call is held");
    client.close();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> held.get(2, TimeUnit.SECONDS));
    assertEquals("closed", assertInstanceOf(BatonException.class, failed.getCause()).code());
  }

  @Test
  void aClientNeedsABootstrapSite() {
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> BatonClient.builder().clientId("nowhere-1").service("counter").build());
    assertEquals("name a bootstrap site: site(coapEndpoint) or mqtt(siteId, brokerUri)", refused.getMessage());
  }
}
