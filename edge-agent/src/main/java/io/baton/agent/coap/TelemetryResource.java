package io.baton.agent.coap;

import io.baton.agent.clients.TelemetryAdmission;
import io.baton.agent.clients.TelemetryAdmission.Transport;
import io.baton.agent.clients.TelemetryIngest;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.TelemetryBatch;
import io.baton.protocol.wire.TelemetryReport;
import io.baton.protocol.wire.WireFormat;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /telemetry}: one report, or a gateway's batch (an array), in JSON (content format 50,
 * the default) or CBOR (60). 2.04 once accepted (it is published within milliseconds, batched);
 * 4.00/4.04 with the reason otherwise, and then nothing of the message is published. An agent over
 * its telemetry bound answers 5.03 with Max-Age, the seconds to wait before sending again. Parsing
 * and the admission run on Californium's thread; the checks on the telemetry context, not through
 * the {@link ContextBridge} the other resources share, so telemetry never queues in front of calls.
 */
final class TelemetryResource extends CoapResource {
  private final TelemetryIngest ingest;
  private final PeerRules peers;

  TelemetryResource(TelemetryIngest ingest, PeerRules peers) {
    super(CoapPaths.TELEMETRY);
    this.ingest = ingest;
    this.peers = peers;
  }

  @Override
  public void handlePOST(CoapExchange exchange) {
    List<TelemetryReport> reports;
    try {
      WireFormat format = WireFormat.ofCoapContentFormat(exchange.getRequestOptions().getContentFormat());
      reports = TelemetryBatch.parse(format, exchange.getRequestPayload());
      peers.requireReports(exchange.advanced().getRequest(), reports);
    } catch (InvalidPayloadException | RuntimeException e) {
      ContextBridge.fail(exchange, e);
      return;
    }
    ingest.submit(Transport.COAP, reports).ifPresentOrElse(
        accepted -> accepted.onComplete(
            events -> exchange.respond(ResponseCode.CHANGED, (events.size() == 1 ? events.get(0).toJson()
                : new JsonObject().put("accepted", events.size())).encode(), MediaTypeRegistry.APPLICATION_JSON),
            failure -> ContextBridge.fail(exchange, failure)),
        () -> shed(exchange));
  }

  private static void shed(CoapExchange exchange) {
    exchange.setMaxAge(TelemetryAdmission.RETRY_AFTER_SECONDS);
    exchange.respond(ResponseCode.SERVICE_UNAVAILABLE, "overloaded: telemetry shed, retry after Max-Age",
        MediaTypeRegistry.TEXT_PLAIN);
  }
}
