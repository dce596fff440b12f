package io.baton.agent.coap;

import io.baton.agent.Failures.ForbiddenException;
import io.baton.protocol.wire.TelemetryReport;
import java.util.List;
import org.eclipse.californium.core.coap.Request;

/**
 * A client acts only as itself: the DTLS peer (PSK identity or certificate CN) must be the client a
 * request names, for its attach, its reports, its calls and its redirects; a gateway may also attach
 * and report for others. On an unsecured endpoint there is no peer to check.
 */
final class PeerRules {
  private final boolean secured;

  PeerRules(boolean secured) {
    this.secured = secured;
  }

  /** Per-client resources and calls: only the client itself. */
  void requireSelf(Request request, String clientId) {
    if (!secured) {
      return;
    }
    ClientPeer.of(request).filter(p -> p.clientId().equals(clientId)).orElseThrow(() -> forbidden(request, clientId));
  }

  /** An attach: the client itself, or a gateway for a device behind it. */
  void requireSelfOrGateway(Request request, String clientId) {
    if (!secured) {
      return;
    }
    ClientPeer.of(request).filter(p -> p.gateway() || p.clientId().equals(clientId)).orElseThrow(() -> forbidden(request, clientId));
  }

  /** Telemetry: every report about the peer itself, unless the peer is a gateway. */
  void requireReports(Request request, List<TelemetryReport> reports) {
    if (!secured) {
      return;
    }
    if (reports.isEmpty()) {
      return;
    }
    ClientPeer peer = ClientPeer.of(request).orElseThrow(() -> forbidden(request, reports.get(0).clientId()));
    for (TelemetryReport report : reports) {
      if (!peer.gateway() && !peer.clientId().equals(report.clientId())) {
        throw forbidden(request, report.clientId());
      }
    }
  }

  private static ForbiddenException forbidden(Request request, String clientId) {
    String who = ClientPeer.of(request).map(ClientPeer::clientId).orElse("an unauthenticated peer");
    return new ForbiddenException(who + " may not act as client '" + clientId + "'");
  }
}
