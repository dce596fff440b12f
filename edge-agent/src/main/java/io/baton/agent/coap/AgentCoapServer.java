package io.baton.agent.coap;

import io.baton.agent.AgentConfig;
import io.baton.agent.clients.ClientAttachments;
import io.baton.agent.clients.ServiceCallRouter;
import io.baton.agent.clients.TelemetryIngest;
import java.net.InetSocketAddress;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import io.vertx.core.Context;

/** The agent's CoAP face: one Californium server on the site's address with the four resources. */
public final class AgentCoapServer {
  static {
    CoapConfig.register();
    UdpConfig.register();
  }

  /**
   * The largest request or response body, reassembled from blocks (RFC 7959). Californium's default
   * (8 KiB) is too small for an AR frame or a gateway's batch.
   */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private final CoapServer server;
  private final HandoffResource handoff;

  public AgentCoapServer(AgentConfig config, Context context, TelemetryIngest ingest, ClientAttachments attachments,
      ServiceCallRouter router) {
    // Without a file: Californium would otherwise write Californium3.properties into the working directory.
    Configuration coapConfig = Configuration.createStandardWithoutFile()
        .set(CoapConfig.MAX_RESOURCE_BODY_SIZE, MAX_BODY_BYTES);
    ContextBridge bridge = new ContextBridge(context);
    this.server = new CoapServer(coapConfig);
    server.addEndpoint(new CoapEndpoint.Builder()
        .setConfiguration(coapConfig)
        .setInetSocketAddress(new InetSocketAddress(config.host(), config.coapPort()))
        .build());
    this.handoff = new HandoffResource(bridge, attachments);
    server.add(new TelemetryResource(bridge, ingest), new AttachResource(bridge, attachments),
        new ServiceResource(bridge, router), handoff);
  }

  /** Binds the socket: blocking, so call it from a worker. */
  public void start() {
    server.start();
  }

  public void stop() {
    server.destroy();
  }

  public HandoffResource handoffResource() {
    return handoff;
  }
}
