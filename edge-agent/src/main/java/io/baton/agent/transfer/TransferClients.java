package io.baton.agent.transfer;

import io.baton.protocol.grpc.TransferGrpcClient;
import io.baton.protocol.security.MemberCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** One gRPC client for the agent, and a stub per peer transfer endpoint. */
public final class TransferClients {
  /**
   * The largest transfer-plane message. gRPC's default (256 KB) is smaller than an execution state
   * whose reply cache holds a few hundred AR overlays; pages travel in 4 KiB chunks either way.
   */
  public static final long MAX_MESSAGE_BYTES = 64L * 1024 * 1024;

  private final GrpcClient client;
  private final Map<String, TransferGrpcClient> stubs = new ConcurrentHashMap<>();

  /** {@code credentials}: this agent's member identity for mutual TLS (empty: plain, for single-agent tests). */
  public TransferClients(Vertx vertx, Optional<MemberCredentials> credentials) {
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES),
        TransferTls.client(credentials));
  }

  /** The one client, for the other services on peers' transfer ports (a runtime's own). */
  public GrpcClient grpc() {
    return client;
  }

  public TransferGrpcClient to(String host, int port) {
    return stubs.computeIfAbsent(host + ":" + port,
        key -> TransferGrpcClient.create(client, SocketAddress.inetSocketAddress(port, host)));
  }

  public Future<Void> close() {
    return client.close();
  }
}
