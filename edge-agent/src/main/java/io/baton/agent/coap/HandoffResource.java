package io.baton.agent.coap;

import io.baton.agent.clients.ClientAttachments;
import io.baton.agent.clients.ClientGuard;
import io.baton.protocol.CoapPaths;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code GET /handoff/{clientId}} with Observe: the client's current assignment. When a handoff
 * redirects the client, its observers (and only its) get a confirmable notification naming the new
 * site and epoch, sealed with the client's redirect key. Only the client itself may observe.
 */
public final class HandoffResource extends PerClientResource {
  private final ContextBridge bridge;
  private final ClientAttachments attachments;
  private final PeerRules peers;
  private final ClientGuard guard;

  HandoffResource(ContextBridge bridge, ClientAttachments attachments, PeerRules peers, ClientGuard guard) {
    super(CoapPaths.HANDOFF);
    this.bridge = bridge;
    this.attachments = attachments;
    this.peers = peers;
    this.guard = guard;
    setObservable(true);
    setObserveType(Type.CON);
    getAttributes().setObservable();
  }

  @Override
  public void handleGET(CoapExchange exchange) {
    String clientId = clientId(exchange.advanced().getRequest());
    if (clientId == null) {
      exchange.respond(ResponseCode.BAD_REQUEST, "use GET /" + CoapPaths.HANDOFF + "/{clientId}");
      return;
    }
    try {
      peers.requireSelf(exchange.advanced().getRequest(), clientId);
    } catch (RuntimeException e) {
      ContextBridge.fail(exchange, e);
      return;
    }
    bridge.respond(exchange, ResponseCode.CONTENT, () -> attachments.current(clientId).map(guard::seal));
  }

  /** Sends the client's observers its new assignment. */
  public void notifyClient(String clientId) {
    changed(relation -> clientId.equals(clientId(relation.getExchange().getRequest())));
  }
}
