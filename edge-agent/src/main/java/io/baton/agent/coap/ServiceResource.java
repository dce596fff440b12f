package io.baton.agent.coap;

import io.baton.agent.clients.ServiceCallRouter;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.buffer.Buffer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /service/{clientId}}: one call to the client's service. 5.03 means the instance is
 * frozen for a handoff: the client holds the call and replays it (same request id) where the
 * redirect sends it, or here if the handoff aborts.
 */
final class ServiceResource extends PerClientResource {
  private final ContextBridge bridge;
  private final ServiceCallRouter router;

  ServiceResource(ContextBridge bridge, ServiceCallRouter router) {
    super(CoapPaths.SERVICE);
    this.bridge = bridge;
    this.router = router;
  }

  @Override
  public void handlePOST(CoapExchange exchange) {
    String clientId = clientId(exchange.advanced().getRequest());
    if (clientId == null) {
      exchange.respond(ResponseCode.BAD_REQUEST, "use POST /" + CoapPaths.SERVICE + "/{clientId}");
      return;
    }
    ServiceCall call;
    try {
      call = ServiceCall.parse(Buffer.buffer(exchange.getRequestPayload()));
    } catch (InvalidPayloadException e) {
      ContextBridge.fail(exchange, e);
      return;
    }
    bridge.respond(exchange, ResponseCode.CONTENT, () -> router.route(clientId, call));
  }
}
