package io.baton.agent.transfer;

import com.google.protobuf.ByteString;
import io.baton.agent.runtime.Snapshot;
import io.baton.protocol.grpc.PingReply;
import io.baton.protocol.grpc.PingRequest;
import io.baton.protocol.grpc.PushReceipt;
import io.baton.protocol.grpc.StateChunk;
import io.baton.protocol.grpc.StateTransferGrpcClient;
import io.baton.protocol.grpc.TransferHeader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;

/** The source's end of a state transfer: streams a snapshot in chunks to the target's receiver. */
public final class StateSender {
  static final int CHUNK_BYTES = 64 * 1024;

  private final GrpcClient client;

  public StateSender(Vertx vertx) {
    this.client = GrpcClient.client(vertx);
  }

  /** Fails if the target refuses the stream or reports a digest other than the snapshot's. */
  public Future<PushReceipt> send(String host, int port, TransferHeader header, Snapshot snapshot) {
    byte[] bytes = snapshot.bytes();
    String sha256 = snapshot.sha256();
    StateTransferGrpcClient target = StateTransferGrpcClient.create(client, SocketAddress.inetSocketAddress(port, host));
    return target.push((stream, failure) -> {
      if (failure != null) {
        return;
      }
      int offset = 0;
      do {
        int length = Math.min(CHUNK_BYTES, bytes.length - offset);
        StateChunk.Builder chunk = StateChunk.newBuilder()
            .setOffset(offset)
            .setData(ByteString.copyFrom(bytes, offset, length));
        if (offset == 0) {
          chunk.setHeader(header.toBuilder().setTotalSize(bytes.length));
        }
        offset += length;
        if (offset == bytes.length) {
          chunk.setSha256(sha256);
        }
        stream.write(chunk.build());
      } while (offset < bytes.length);
      stream.end();
    }).compose(receipt -> receipt.getSha256().equals(sha256)
        ? Future.succeededFuture(receipt)
        : Future.failedFuture("target holds digest " + receipt.getSha256() + ", sent " + sha256));
  }

  /** Round trip to a transfer endpoint; answers with the site id it reports. */
  public Future<String> ping(String fromSite, String host, int port) {
    return StateTransferGrpcClient.create(client, SocketAddress.inetSocketAddress(port, host))
        .ping(PingRequest.newBuilder().setFromSite(fromSite).build())
        .map(PingReply::getSite);
  }

  public Future<Void> close() {
    return client.close();
  }
}
