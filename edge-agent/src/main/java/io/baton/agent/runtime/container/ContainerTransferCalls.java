package io.baton.agent.runtime.container;

import io.baton.protocol.grpc.Checkpoint;
import io.baton.protocol.grpc.ChunkList;
import io.baton.protocol.grpc.ContainerSpec;
import io.baton.protocol.grpc.Done;
import io.baton.protocol.grpc.TransferGrpcClient;
import io.baton.protocol.grpc.FileTree;
import io.baton.protocol.grpc.ImageArchive;
import io.baton.protocol.grpc.ImageQuery;
import io.baton.protocol.grpc.Instance;
import io.baton.protocol.grpc.LayerInventory;
import io.baton.protocol.grpc.Prepared;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

/**
 * A target's container transfer methods, one method per unary call. The generated stub reports a
 * failed call as "Invalid status: actual:UNKNOWN" and drops the target's grpc-message; here a
 * failure carries the target's status and its reason (a restore past its deadline, a refused
 * signature), so the source's abort says why the target failed.
 */
public final class ContainerTransferCalls {
  private final GrpcClient client;
  private final SocketAddress address;
  private final String site;

  public ContainerTransferCalls(GrpcClient client, SocketAddress address, String site) {
    this.client = client;
    this.address = address;
    this.site = site;
  }

  public Future<ChunkList> lacking(ChunkList request) {
    return unary(TransferGrpcClient.Lacking, request);
  }

  public Future<LayerInventory> imageLayers(ImageQuery request) {
    return unary(TransferGrpcClient.ImageLayers, request);
  }

  public Future<Done> loadImage(ImageArchive request) {
    return unary(TransferGrpcClient.LoadImage, request);
  }

  public Future<Prepared> prepare(ContainerSpec request) {
    return unary(TransferGrpcClient.Prepare, request);
  }

  public Future<Done> syncLayer(FileTree request) {
    return unary(TransferGrpcClient.SyncLayer, request);
  }

  public Future<Done> restore(Checkpoint request) {
    return unary(TransferGrpcClient.Restore, request);
  }

  public Future<Done> discard(Instance request) {
    return unary(TransferGrpcClient.Discard, request);
  }

  private <Q, R> Future<R> unary(ServiceMethod<R, Q> method, Q request) {
    return client.request(address, method).compose(call -> call.end(request)
        .compose(v -> call.response())
        .compose(response -> response.last().recover(failed -> Future.failedFuture(
            response.status() == null || response.status() == GrpcStatus.OK ? failed
                : new TargetFailedException(site + " answered " + response.status().name()
                    + (response.statusMessage() == null ? "" : ": " + response.statusMessage()))))));
  }

  /** The target answered a call with an error status; the message is its status and reason. */
  public static final class TargetFailedException extends RuntimeException {
    public TargetFailedException(String message) {
      super(message);
    }
  }
}
