package io.baton.agent.transfer;

import io.baton.protocol.grpc.PingReply;
import io.baton.protocol.grpc.PingRequest;
import io.baton.protocol.grpc.StateTransferGrpcService;
import io.vertx.core.Future;
import io.vertx.grpc.server.GrpcServer;

/**
 * The transfer plane's own method, whatever runtime the site runs: answers at once with the
 * payload size it got, across this site's emulated link back to the asker. Sites probe links
 * with it, and an agent pings itself before it announces the site.
 */
public final class PingService extends StateTransferGrpcService {
  private final String siteId;
  private final LinkEmulator emulator;

  private PingService(String siteId, LinkEmulator emulator) {
    this.siteId = siteId;
    this.emulator = emulator;
  }

  /** Binds only Ping: the other methods belong to the runtime's handoff strategy. */
  public static void bind(GrpcServer server, String siteId, LinkEmulator emulator) {
    builder(new PingService(siteId, emulator)).bind(Ping).build().bind(server);
  }

  @Override
  public Future<PingReply> ping(PingRequest request) {
    PingReply reply = PingReply.newBuilder().setSite(siteId).setReceivedBytes(request.getPayload().size()).build();
    return emulator.deliver(request.getFromSite(), reply.getSerializedSize()).map(v -> reply);
  }
}
