package io.baton.client.spi;

import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How a client reaches a site: one implementation per protocol (CoAP, MQTT). A transport does one
 * exchange at a time and says what happened; holding, replaying and following redirects are the
 * client's job ({@link io.baton.client.BatonClient}), the same for every transport.
 *
 * <p>Every method names the site by an {@link Assignment}: its id and its endpoints, of which the
 * transport uses its own. Futures complete on the transport's threads.
 */
public interface ClientTransport extends AutoCloseable {

  /** Attaches (or re-attaches) the client at the site {@code at} names; completes with the assignment in force. */
  CompletableFuture<Assignment> attach(Assignment at, AttachRequest request, Duration timeout);

  /** Sends telemetry: one report, or several (a gateway's batch) as one message. */
  CompletableFuture<Void> report(Assignment at, String senderId, List<TelemetryReport> reports, Duration timeout);

  /** One attempt of one call; a lost or unanswered attempt completes as {@link CallOutcome.Unavailable}. */
  CompletableFuture<CallOutcome> call(Assignment at, String clientId, String requestId, JsonObject request, Duration timeout);

  /**
   * Listens, at the site {@code at} names, for the client's assignment: each one the site announces
   * (a redirect) goes to {@code assignments}. Replaces the previous listening place.
   */
  void follow(Assignment at, String clientId, Consumer<Assignment> assignments);

  /** Errors the mesh reports on its own, outside any exchange (MQTT's error topic). */
  default void onError(Consumer<RemoteError> errors) {
  }

  /** Called after the transport lost its connection and got it back: what was said meanwhile may be lost. */
  default void onReconnect(Runnable reconnected) {
  }

  @Override
  void close();

  /** A refusal the mesh sent: CoAP-style code ("4.00") and reason. */
  record RemoteError(String code, String reason, String about) {
  }
}
