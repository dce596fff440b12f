package io.baton.agent.transfer;

import io.baton.protocol.grpc.Chunk;
import io.baton.protocol.grpc.ChunkList;
import io.baton.protocol.grpc.ChunkReceipt;
import io.baton.protocol.grpc.PingReply;
import io.baton.protocol.grpc.PingRequest;
import io.baton.protocol.grpc.TransferGrpcService;
import io.vertx.core.Future;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.server.GrpcServer;

/**
 * The transfer plane's own methods, whatever runtime the site runs: {@code Ping} (answers at once
 * with the payload size it got, across this site's emulated link back to the asker: link probes,
 * and the agent's self-check before it announces the site) and the chunks of every artifact,
 * {@code Lacking} and {@code PutChunks} ({@link ChunkIntake}).
 */
final class PlaneService extends TransferGrpcService {
  private final String siteId;
  private final LinkEmulator emulator;
  private final ChunkIntake chunks;

  private PlaneService(String siteId, LinkEmulator emulator, ChunkIntake chunks) {
    this.siteId = siteId;
    this.emulator = emulator;
    this.chunks = chunks;
  }

  /** Binds only the plane's methods: the others belong to the runtime's handoff strategy. */
  static void bind(GrpcServer server, String siteId, LinkEmulator emulator, ChunkIntake chunks) {
    builder(new PlaneService(siteId, emulator, chunks)).bind(Ping, Lacking, PutChunks).build().bind(server);
  }

  @Override
  public Future<PingReply> ping(PingRequest request) {
    PingReply reply = PingReply.newBuilder().setSite(siteId).setReceivedBytes(request.getPayload().size()).build();
    return emulator.deliver(request.getFromSite(), reply.getSerializedSize()).map(v -> reply);
  }

  @Override
  public Future<ChunkList> lacking(ChunkList request) {
    return Future.succeededFuture(chunks.lacking(request));
  }

  @Override
  public Future<ChunkReceipt> putChunks(ReadStream<Chunk> stream) {
    return chunks.put(stream);
  }
}
