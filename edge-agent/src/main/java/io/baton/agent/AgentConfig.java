package io.baton.agent;

import io.baton.protocol.CoapPaths;

/**
 * One site's agent: its id, the address it serves on (CoAP and state transfer bind there) and
 * its ports.
 */
public record AgentConfig(String siteId, String host, int coapPort, int transferPort) {
  public static final int DEFAULT_TRANSFER_PORT = 7443;

  public static AgentConfig of(String siteId, String host) {
    return new AgentConfig(siteId, host, CoapPaths.DEFAULT_PORT, DEFAULT_TRANSFER_PORT);
  }

  public String coapEndpoint() {
    return "coap://" + host + ":" + coapPort;
  }
}
