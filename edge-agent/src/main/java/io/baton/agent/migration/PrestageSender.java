package io.baton.agent.migration;

import io.baton.agent.transfer.TransferClients;
import io.baton.agent.runtime.PagedMemoryRuntime;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.Prestaged;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.BitSet;

/**
 * The source side of a pre-stage: while the service keeps running, reads every page of its memory
 * and pushes it to the predicted target as content-addressed chunks under the pre-stage's id, the
 * same way a pre-copy round does. Pages written afterwards simply have new addresses, which the
 * handoff will send; what the target already holds is never sent twice.
 */
public final class PrestageSender {
  private final Vertx vertx;
  private final PagedMemoryRuntime runtime;
  private final LinkEmulator emulator;
  private final TransferClients clients;
  private final PagePusher pusher;
  private final SiteDirectory sites;
  private final DeliveryOptions open;

  public PrestageSender(Vertx vertx, PagedMemoryRuntime runtime, LinkEmulator emulator, TransferClients clients,
      long stepTimeoutMs) {
    this.vertx = vertx;
    this.runtime = runtime;
    this.emulator = emulator;
    this.clients = clients;
    this.pusher = new PagePusher(vertx, emulator);
    this.sites = new SiteDirectory(vertx);
    this.open = new DeliveryOptions().setSendTimeout(stepTimeoutMs);
  }

  public Future<Prestaged> send(PrestageRequested request) {
    if (!request.artifacts().contains(PrestageRequested.MEMORY_PAGES)) {
      return Future.failedFuture("pre-stage " + request.prestageId() + " asks for " + request.artifacts()
          + "; the embedded runtime has only " + PrestageRequested.MEMORY_PAGES);
    }
    long start = System.nanoTime();
    return runtime.image(request.instanceId())
        .compose(image -> sites.lookup(request.targetSite())
            .compose(target -> emulator.refresh(target.siteId())
                .compose(v -> vertx.eventBus().request(AgentCommand.PRESTAGE.address(target.siteId()), request, open))
                .compose(opened -> {
                  BitSet all = new BitSet(image.memory().pageCount());
                  all.set(0, image.memory().pageCount());
                  return pusher.read(image.memory(), all);
                })
                .compose(copies -> pusher.push(request.prestageId(), target.siteId(),
                    clients.to(target.transferHost(), target.transferPort()), image.memory().pageCount(), copies, false, 0))))
        .map(pushed -> new Prestaged(request.prestageId(), request.targetSite(), PrestageRequested.MEMORY_PAGES, pushed.bytesSent(),
            (System.nanoTime() - start) / 1_000));
  }
}
