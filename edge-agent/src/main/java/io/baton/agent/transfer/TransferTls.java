package io.baton.agent.transfer;

import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Optional;

/**
 * Mutual TLS on the transfer plane: an agent's gRPC servers present its member certificate and
 * accept only callers presenting one the cluster CA signed; its clients present theirs and accept
 * only servers the cluster CA signed, for the address they dialled. Without credentials (unit tests
 * of a single agent) both stay plain.
 */
public final class TransferTls {
  private TransferTls() {
  }

  public static HttpServerOptions server(String host, int port, Optional<MemberCredentials> credentials) {
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port);
    credentials.ifPresent(member -> options.setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(identity(member))
        .setTrustOptions(clusterCa(member))
        .setClientAuth(ClientAuth.REQUIRED));
    return options;
  }

  public static HttpClientOptions client(Optional<MemberCredentials> credentials) {
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
    credentials.ifPresent(member -> options.setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(identity(member))
        .setTrustOptions(clusterCa(member)));
    return options;
  }

  private static PemKeyCertOptions identity(MemberCredentials member) {
    return new PemKeyCertOptions().setCertPath(member.certificatePem().toString()).setKeyPath(member.keyPem().toString());
  }

  private static PemTrustOptions clusterCa(MemberCredentials member) {
    return new PemTrustOptions().addCertPath(member.clusterCaPem().toString());
  }
}
