package io.baton.client.coap;

import io.baton.client.BatonException;
import io.baton.client.spi.AssignmentVerifier;
import io.baton.client.spi.CallOutcome;
import io.baton.client.spi.ClientTransport;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.CallEnvelope;
import io.baton.protocol.wire.HandoffHint;
import io.baton.protocol.wire.TelemetryBatch;
import io.baton.protocol.wire.TelemetryReport;
import io.baton.protocol.wire.WireFormat;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;

/**
 * The client over CoAP: {@code POST /attach}, {@code POST /telemetry}, {@code POST /service/{id}}, and
 * {@code GET /handoff/{id}} with Observe, where redirects arrive as notifications. Telemetry goes in
 * JSON or CBOR, confirmable or not, as configured.
 */
public final class CoapTransport implements ClientTransport {
  private final CoapChannel channel;
  private final WireFormat telemetryFormat;
  private final boolean confirmableTelemetry;
  private final String serviceToken;
  /** The client these credentials are; null without credentials (then every attach answer is checked alike). */
  private final String ownId;
  private final AssignmentVerifier verifier;
  private final AtomicReference<CoapObserveRelation> observation = new AtomicReference<>();
  /** The site last connected to ahead of a redirect, so a repeated hint does not connect again. */
  private final AtomicReference<String> prepared = new AtomicReference<>("");
  private static final Duration PREPARE_TIMEOUT = Duration.ofSeconds(10);

  /** With credentials: DTLS, the service token in every call, and only MAC-verified assignments. */
  public CoapTransport(ScheduledExecutorService timers, WireFormat telemetryFormat, boolean confirmableTelemetry,
      Optional<ClientCredentials> credentials, AssignmentVerifier verifier) {
    this.channel = new CoapChannel(timers, credentials);
    this.telemetryFormat = telemetryFormat;
    this.confirmableTelemetry = confirmableTelemetry;
    this.serviceToken = credentials.map(own -> own.secrets().serviceToken()).orElse("");
    this.ownId = credentials.map(ClientCredentials::clientId).orElse(null);
    this.verifier = verifier;
  }

  @Override
  public CompletableFuture<Assignment> attach(Assignment at, AttachRequest request, Duration timeout) {
    return channel.post(at.coapEndpoint() + "/" + CoapPaths.ATTACH, WireFormat.JSON.encode(request.toJson()),
            WireFormat.JSON.coapContentFormat(), true, timeout)
        .thenApply(response -> assignment(request.clientId(), success(response).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Override
  public CompletableFuture<Void> report(Assignment at, String senderId, List<TelemetryReport> reports, Duration timeout) {
    Object body = reports.size() == 1 ? reports.get(0).toJson() : TelemetryBatch.toJson(reports);
    return channel.post(at.coapEndpoint() + "/" + CoapPaths.TELEMETRY, telemetryFormat.encode(body),
            telemetryFormat.coapContentFormat(), confirmableTelemetry, timeout)
        .thenAccept(CoapTransport::success);
  }

  @Override
  public CompletableFuture<CallOutcome> call(Assignment at, String clientId, String requestId, JsonObject request,
      Duration timeout) {
    byte[] body = WireFormat.JSON.encode(CallEnvelope.encode(requestId, request, serviceToken));
    return channel.post(at.coapEndpoint() + "/" + CoapPaths.SERVICE + "/" + clientId, body,
            WireFormat.JSON.coapContentFormat(), true, timeout)
        .handle((response, failure) -> {
          if (failure != null) {
            return new CallOutcome.Unavailable(false, failure.getMessage());
          }
          if (response.getCode() == ResponseCode.CONTENT) {
            return new CallOutcome.Answered(new JsonObject(response.getResponseText()));
          }
          if (response.getCode() == ResponseCode.SERVICE_UNAVAILABLE) {
            return new CallOutcome.Unavailable(true, response.getResponseText());
          }
          return new CallOutcome.Refused(response.getCode().text, response.getResponseText());
        });
  }

  @Override
  public void follow(Assignment at, String clientId, Consumer<Assignment> assignments) {
    CoapObserveRelation relation = channel.observe(at.coapEndpoint() + "/" + CoapPaths.HANDOFF + "/" + clientId,
        new CoapHandler() {
          @Override
          public void onLoad(CoapResponse response) {
            if (response.getCode() == ResponseCode.CONTENT) {
              // Not an assignment, or not the mesh's: ignored, the client stays where it is.
              verifier.verify(response.getPayload()).ifPresent(assignment -> {
                assignments.accept(assignment);
                prepare(at, clientId, response.getPayload());
              });
            }
          }

          @Override
          public void onError() {
            // The site went away; calls keep being retried, and a re-attach observes again.
          }
        });
    CoapObserveRelation previous = observation.getAndSet(relation);
    if (previous != null) {
      previous.proactiveCancel();
    }
  }

  /**
   * A handoff of the client is under way toward the hinted site: opens the connection there now
   * (the DTLS handshake is the largest part of the first call at a new site), once per site. Calls
   * keep going to {@code at} until the redirect.
   */
  private void prepare(Assignment at, String clientId, byte[] payload) {
    Optional<HandoffHint> hint;
    try {
      hint = HandoffHint.in(io.vertx.core.buffer.Buffer.buffer(payload));
    } catch (io.baton.protocol.wire.InvalidPayloadException malformed) {
      return; // the assignment was good; a bad hint only costs the head start
    }
    hint.map(HandoffHint::coapEndpoint)
        .filter(next -> next.startsWith("coap") && !next.equals(at.coapEndpoint()))
        .filter(next -> !next.equals(prepared.getAndSet(next)))
        .ifPresent(next -> channel.touch(next + "/" + CoapPaths.HANDOFF + "/" + clientId, PREPARE_TIMEOUT));
  }

  /**
   * A gateway attaching a device gets the device's assignment, sealed with the device's key, which
   * the gateway does not hold: that answer is trusted by the DTLS session it came on, and parsed
   * strictly. Everything addressed to this client itself must carry its MAC.
   */
  private Assignment assignment(String attachedId, byte[] body) {
    if (!attachedId.equals(ownId)) {
      try {
        return Assignment.parse(io.vertx.core.buffer.Buffer.buffer(body));
      } catch (io.baton.protocol.wire.InvalidPayloadException malformed) {
        throw new BatonException("malformed", "the site's answer is not an assignment: " + malformed.getMessage());
      }
    }
    return verifier.verify(body).orElseThrow(() -> new BatonException("unauthenticated",
        "the site's answer is not an assignment the mesh sealed for this client"));
  }

  private static String success(CoapResponse response) {
    if (!response.isSuccess()) {
      throw new BatonException(response.getCode().text, response.getResponseText());
    }
    return response.getResponseText();
  }

  @Override
  public void close() {
    CoapObserveRelation relation = observation.getAndSet(null);
    if (relation != null) {
      relation.reactiveCancel();
    }
    channel.close();
  }
}
