package io.baton.agent.coap;

import io.baton.agent.clients.TelemetryIngest;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/** {@code POST /telemetry}: a JSON report; 2.04 once published, 4.00/4.04 with the reason otherwise. */
final class TelemetryResource extends CoapResource {
  private final ContextBridge bridge;
  private final TelemetryIngest ingest;

  TelemetryResource(ContextBridge bridge, TelemetryIngest ingest) {
    super(CoapPaths.TELEMETRY);
    this.bridge = bridge;
    this.ingest = ingest;
  }

  @Override
  public void handlePOST(CoapExchange exchange) {
    TelemetryReport report;
    try {
      report = TelemetryReport.parse(Buffer.buffer(exchange.getRequestPayload()));
    } catch (InvalidPayloadException e) {
      ContextBridge.fail(exchange, e);
      return;
    }
    bridge.respond(exchange, ResponseCode.CHANGED, () -> ingest.accept(report).map(event -> event.toJson()));
  }
}
