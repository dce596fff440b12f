package io.baton.agent.coap;

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
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /telemetry}: one report, or a gateway's batch (an array), in JSON (content format 50,
 * the default) or CBOR (60). 2.04 once published; 4.00/4.04 with the reason otherwise, and then
 * nothing of the message is published.
 */
final class TelemetryResource extends CoapResource {
  private final ContextBridge bridge;
  private final TelemetryIngest ingest;
  private final PeerRules peers;

  TelemetryResource(ContextBridge bridge, TelemetryIngest ingest, PeerRules peers) {
    super(CoapPaths.TELEMETRY);
    this.bridge = bridge;
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
    bridge.respond(exchange, ResponseCode.CHANGED, () -> ingest.acceptAll(reports)
        .map(events -> events.size() == 1 ? events.get(0).toJson() : new JsonObject().put("accepted", events.size())));
  }
}
