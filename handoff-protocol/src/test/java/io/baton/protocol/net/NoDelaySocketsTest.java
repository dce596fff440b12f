package io.baton.protocol.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** Every socket the factories make, however it is made, sends at once; plain and TLS. */
class NoDelaySocketsTest {

  @Test
  void socketsOpenedUnconnectedAsPahoDoesSendAtOnce() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
      try (Socket plain = NoDelaySockets.plain().createSocket()) {
        plain.connect(address, 5_000);
        assertTrue(plain.getTcpNoDelay(), "plain");
      }
      try (Socket tls = NoDelaySockets.tls(SSLContext.getDefault().getSocketFactory()).createSocket()) {
        tls.connect(address, 5_000);
        assertTrue(tls.getTcpNoDelay(), "TLS");
      }
    }
  }

  @Test
  void socketsOpenedConnectedSendAtOnce() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Socket plain = NoDelaySockets.plain().createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket tls = NoDelaySockets.tls(SSLContext.getDefault().getSocketFactory())
            .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      assertTrue(plain.getTcpNoDelay(), "plain");
      assertTrue(tls.getTcpNoDelay(), "TLS");
    }
  }
}
