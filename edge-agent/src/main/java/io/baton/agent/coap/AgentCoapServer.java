package io.baton.agent.coap;

import io.baton.agent.AgentConfig;
import io.baton.agent.clients.AnnouncedAssignments;
import io.baton.agent.clients.ClientAttachments;
import io.baton.agent.clients.ClientGuard;
import io.baton.agent.clients.ServiceCallRouter;
import io.baton.agent.clients.TelemetryIngest;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Context;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.interceptors.MessageInterceptor;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * The agent's CoAP face: one Californium server on the site's address with the four resources.
 * With member credentials it serves coaps:// only (DTLS 1.2): clients authenticate with their
 * derived PSK or a certificate of the client CA, and the agent presents its member certificate.
 */
public final class AgentCoapServer {
  static {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
  }

  /**
   * The largest request or response body, reassembled from blocks (RFC 7959). Californium's default
   * (8 KiB) is too small for an AR frame or a gateway's batch.
   */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /** How long (at least; at most twice) a request is remembered to answer its retransmissions from the cache. */
  static final int DEDUPLICATION_SECONDS = 15;

  private final CoapServer server;
  private final HandoffResource handoff;

  public AgentCoapServer(AgentConfig config, Context context, TelemetryIngest ingest, ClientAttachments attachments,
      ServiceCallRouter router, ClientGuard guard, AnnouncedAssignments announcements) {
    // Without a file: Californium would otherwise write Californium3.properties into the working directory.
    Configuration coapConfig = Configuration.createStandardWithoutFile()
        .set(CoapConfig.MAX_RESOURCE_BODY_SIZE, MAX_BODY_BYTES)
        // Californium keeps every exchange for deduplication for EXCHANGE_LIFETIME (247 s) by
        // default: at a thousand reports a second that is hundreds of MB of requests and responses
        // held for four minutes (the soak saw the heap climb 140 MiB a minute). Calls are
        // exactly-once by their request id (the reply cache), attaches are idempotent and a
        // telemetry report is superseded by the next, so deduplication only has to absorb a
        // client's quick retransmissions: crop rotation keeps each exchange 15 to 30 s.
        .set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_CROP_ROTATION)
        .set(CoapConfig.CROP_ROTATION_PERIOD, DEDUPLICATION_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    ContextBridge bridge = new ContextBridge(context);
    InetSocketAddress address = new InetSocketAddress(config.host(), config.coapPort());
    CoapEndpoint.Builder endpoint = new CoapEndpoint.Builder().setConfiguration(coapConfig);
    config.credentials().ifPresentOrElse(
        member -> endpoint.setConnector(new DTLSConnector(dtls(coapConfig, address, member))),
        () -> endpoint.setInetSocketAddress(address));
    this.server = new CoapServer(coapConfig);
    server.addEndpoint(endpoint.build());
    PeerRules peers = new PeerRules(config.credentials().isPresent());
    this.handoff = new HandoffResource(bridge, attachments, peers, guard, announcements);
    server.add(new TelemetryResource(ingest, peers), new AttachResource(bridge, attachments, peers, guard),
        new ServiceResource(bridge, router, peers), handoff);
  }

  /**
   * PSK (identity: the client id, key derived) and ECDHE-ECDSA with a client certificate that the
   * client CA signed: certificate handshakes need one (NEEDED), so no handshake is anonymous.
   */
  private static DtlsConnectorConfig dtls(Configuration coapConfig, InetSocketAddress address, MemberCredentials member) {
    coapConfig.set(DtlsConfig.DTLS_ROLE, DtlsRole.SERVER_ONLY)
        .set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
    return DtlsConnectorConfig.builder(coapConfig)
        .setAddress(address)
        .setAdvancedPskStore(new DerivedPskStore(member))
        .setCertificateIdentityProvider(new SingleCertificateProvider(member.key(),
            member.chain().toArray(Certificate[]::new), CertificateType.X_509))
        .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
            .setTrustedCertificates(member.clientAnchors().toArray(Certificate[]::new)).build())
        .setLoggingTag(member.name())
        .build();
  }

  /** Binds the socket: blocking, so call it from a worker. */
  public void start() {
    server.start();
  }

  public void stop() {
    server.destroy();
  }

  /** Lets tests and diagnostics see every message the face receives and sends (after DTLS). */
  public void addInterceptor(MessageInterceptor interceptor) {
    server.getEndpoints().forEach(endpoint -> endpoint.addInterceptor(interceptor));
  }

  public HandoffResource handoffResource() {
    return handoff;
  }
}
