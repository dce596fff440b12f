package io.baton.agent.coap;

import io.baton.agent.clients.ServiceCallRouter;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.CallEnvelope;
import io.vertx.core.buffer.Buffer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /service/{clientId}}: one call to the client's service, by that client only and with
 * its service token (4.03 / 4.01 otherwise, and nothing runs). 5.03 means the instance is
 * frozen for a handoff: the client holds the call and replays it (same request id) where the
 * redirect sends it, or here if the handoff aborts.
 */
final class ServiceResource extends PerClientResource {
  private final ContextBridge bridge;
  private final ServiceCallRouter router;
  private final PeerRules peers;

  ServiceResource(ContextBridge bridge, ServiceCallRouter router, PeerRules peers) {
    super(CoapPaths.SERVICE);
    this.bridge = bridge;
    this.router = router;
    this.peers = peers;
  }

  @Override
  public void handlePOST(CoapExchange exchange) {
    String clientId = clientId(exchange.advanced().getRequest());
    if (clientId == null) {
      exchange.respond(ResponseCode.BAD_REQUEST, "use POST /" + CoapPaths.SERVICE + "/{clientId}");
      return;
    }
    CallEnvelope call;
    try {
      peers.requireSelf(exchange.advanced().getRequest(), clientId);
      call = CallEnvelope.parse(Buffer.buffer(exchange.getRequestPayload()));
    } catch (InvalidPayloadException | RuntimeException e) {
      ContextBridge.fail(exchange, e);
      return;
    }
    bridge.respond(exchange, ResponseCode.CONTENT, () -> router.routeFromClient(clientId, call));
  }
}
