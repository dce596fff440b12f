package io.baton.agent.runtime.docker;

import io.baton.protocol.grpc.docker.Checkpoint;
import io.baton.protocol.grpc.docker.ChunkList;
import io.baton.protocol.grpc.docker.ContainerSpec;
import io.baton.protocol.grpc.docker.Done;
import io.baton.protocol.grpc.docker.DockerTransferGrpcClient;
import io.baton.protocol.grpc.docker.FileTree;
import io.baton.protocol.grpc.docker.ImageArchive;
import io.baton.protocol.grpc.docker.ImageQuery;
import io.baton.protocol.grpc.docker.Instance;
import io.baton.protocol.grpc.docker.LayerInventory;
import io.baton.protocol.grpc.docker.Prepared;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

/**
 * A target's docker transfer service, one method per unary call. The generated stub reports a
 * failed call as "Invalid status: actual:UNKNOWN" and drops the target's grpc-message; here a
 * failure carries the target's status and its reason (a restore past its deadline, a refused
 * signature), so the source's abort says why the target failed.
 */
public final class DockerTransferCalls {
  private final GrpcClient client;
  private final SocketAddress address;
  private final String site;

  public DockerTransferCalls(GrpcClient client, SocketAddress address, String site) {
    this.client = client;
    this.address = address;
    this.site = site;
  }

  public Future<ChunkList> lacking(ChunkList request) {
    return unary(DockerTransferGrpcClient.Lacking, request);
  }

  public Future<LayerInventory> imageLayers(ImageQuery request) {
    return unary(DockerTransferGrpcClient.ImageLayers, request);
  }

  public Future<Done> loadImage(ImageArchive request) {
    return unary(DockerTransferGrpcClient.LoadImage, request);
  }

  public Future<Prepared> prepare(ContainerSpec request) {
    return unary(DockerTransferGrpcClient.Prepare, request);
  }

  public Future<Done> syncLayer(FileTree request) {
    return unary(DockerTransferGrpcClient.SyncLayer, request);
  }

  public Future<Done> restore(Checkpoint request) {
    return unary(DockerTransferGrpcClient.Restore, request);
  }

  public Future<Done> discard(Instance request) {
    return unary(DockerTransferGrpcClient.Discard, request);
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
