package io.baton.agent.coap;

import io.baton.agent.clients.AnnouncedAssignments;
import io.baton.agent.clients.ClientAttachments;
import io.baton.agent.clients.ClientGuard;
import io.baton.protocol.CoapPaths;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.HandoffHint;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
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
  private final AnnouncedAssignments announcements;

  HandoffResource(ContextBridge bridge, ClientAttachments attachments, PeerRules peers, ClientGuard guard,
      AnnouncedAssignments announcements) {
    super(CoapPaths.HANDOFF);
    this.bridge = bridge;
    this.attachments = attachments;
    this.peers = peers;
    this.guard = guard;
    this.announcements = announcements;
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
    Optional<Assignment> announced = announcements.latest(clientId);
    if (announced.isPresent()) {
      // A redirect's notification: answered here, on Californium's thread, not after the site's queued work.
      exchange.respond(ResponseCode.CONTENT, withHint(clientId, guard.seal(announced.get())).encode(),
          MediaTypeRegistry.APPLICATION_JSON);
      return;
    }
    bridge.respond(exchange, ResponseCode.CONTENT, () -> attachments.current(clientId).map(guard::seal)
        .map(sealed -> withHint(clientId, sealed)));
  }

  /** The assignment, and where the service is going if a handoff of it runs (outside the MAC: a hint moves nothing). */
  private JsonObject withHint(String clientId, JsonObject sealed) {
    announcements.hint(clientId).ifPresent(next -> sealed.put(HandoffHint.FIELD, next.toJson()));
    return sealed;
  }

  /** Sends the client's observers its assignment (announced first, or else read from the directory) and any hint. */
  public void notifyClient(String clientId) {
    changed(relation -> clientId.equals(clientId(relation.getExchange().getRequest())));
  }
}
