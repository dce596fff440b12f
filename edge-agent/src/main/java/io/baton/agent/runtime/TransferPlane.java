package io.baton.agent.runtime;

import io.baton.agent.AgentConfig;
import io.baton.agent.migration.TransferClients;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.LinkEmulator;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServer;

/**
 * The site's transfer plane as the agent set it up, for a runtime's {@link HandoffStrategy}: the
 * agent's gRPC server on its one transfer port (a strategy binds its methods there), the clients
 * to other sites' planes, the emulated links and the chunk store with its cap.
 */
public record TransferPlane(Vertx vertx, Context context, AgentConfig site, GrpcServer server, TransferClients clients,
    LinkEmulator links, ChunkStore chunkStore) {
}
