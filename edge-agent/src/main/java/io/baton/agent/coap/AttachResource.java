package io.baton.agent.coap;

import io.baton.agent.clients.ClientAttachments;
import io.baton.agent.clients.ClientGuard;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.InvalidPayloadException;
import io.vertx.core.buffer.Buffer;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/** {@code POST /attach}: returns the client's assignment, deploying its service on first attach. */
final class AttachResource extends CoapResource {
  private final ContextBridge bridge;
  private final ClientAttachments attachments;
  private final PeerRules peers;
  private final ClientGuard guard;

  AttachResource(ContextBridge bridge, ClientAttachments attachments, PeerRules peers, ClientGuard guard) {
    super(CoapPaths.ATTACH);
    this.bridge = bridge;
    this.attachments = attachments;
    this.peers = peers;
    this.guard = guard;
  }

  @Override
  public void handlePOST(CoapExchange exchange) {
    AttachRequest request;
    try {
      request = AttachRequest.parse(Buffer.buffer(exchange.getRequestPayload()));
      peers.requireSelfOrGateway(exchange.advanced().getRequest(), request.clientId());
    } catch (InvalidPayloadException | RuntimeException e) {
      ContextBridge.fail(exchange, e);
      return;
    }
    bridge.respond(exchange, ResponseCode.CONTENT, () -> attachments.attach(request).map(guard::seal));
  }
}
