package io.baton.client.mqtt;

import io.baton.protocol.net.NoDelaySockets;
import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.security.TlsContexts;
import javax.net.ssl.SSLSocketFactory;

/**
 * How a client logs in to a secured site's broker: its id (a gateway: gateway/ID) and derived MQTT password, over TLS
 * that trusts only the cluster CA (the broker presents a member certificate).
 */
record MqttLogin(String user, char[] password, SSLSocketFactory sockets) {
  static MqttLogin of(ClientCredentials credentials) {
    return new MqttLogin(credentials.mqttUser(), credentials.secrets().mqttPassword().toCharArray(),
        NoDelaySockets.tls(TlsContexts.trusting(credentials.clusterAnchors()).getSocketFactory()));
  }
}
