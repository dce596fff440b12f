package io.baton.deploy.bench;

import io.baton.broker.journal.HandoffJournal;
import io.baton.broker.journal.JournalEntry;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.mesh.BrokerFleet;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshCredentials;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.protocol.Addresses;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.event.BatonEvent;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * Kills the broker that owns a handoff (SIGKILL to its JVM) at a chosen step and watches another
 * broker finish or abort it from the journal. Two sites run in this JVM; the brokers run in
 * processes of their own. A client calls its counter at 50 calls a second throughout.
 */
public final class FailoverDrill implements AutoCloseable {
  private static final long TIMEOUT_MS = 60_000;

  private final LocalMesh mesh;
  private final BrokerFleet brokers;
  private final HandoffJournal journal;

  /**
   * Where the owner dies: when a command reaches a site, the owner is killed; the command is
   * dropped (the owner died just before sending it) or delivered (it died while the step ran).
   */
  public enum KillPoint {
    BEFORE_FREEZE(AgentCommand.FREEZE, "site-a", true),
    AFTER_FREEZE(AgentCommand.TRANSFER, "site-a", true),
    DURING_RESTORE(AgentCommand.RESTORE, "site-b", false),
    AFTER_RESTORE(AgentCommand.AWAIT_PAGES, "site-b", true);

    final AgentCommand command;
    final String site;
    final boolean drop;

    KillPoint(AgentCommand command, String site, boolean drop) {
      this.command = command;
      this.site = site;
      this.drop = drop;
    }
  }

  /** What one drill saw: the journal's last word, the client's answers, the record, the failover time. */
  public record Outcome(String handoffId, String killedBroker, long killedAtMs, JournalEntry entry, boolean completed,
      double failoverMillis, List<CallResult> calls, ClientRecord record) {

    /** From the kill to the survivor's claim of the journal entry (wall clock, ms). */
    public long claimedAfterMs() {
      return entry.steps().stream().filter(s -> s.step().equals("takeover")).mapToLong(s -> s.startedAtMs() - killedAtMs)
          .findFirst().orElse(-1);
    }

    public List<Long> sortedValues() {
      return calls.stream().map(c -> c.result().getLong("value")).sorted().toList();
    }
  }

  /** Sites site-a and site-b on {@code prefix}.2 and .3, an observer on .1, brokers on .11 to .29. */
  public static FailoverDrill start(String prefix, int brokerCount) throws Exception {
    List<String> brokerHosts = IntStream.rangeClosed(11, 29).mapToObj(i -> prefix + i).toList();
    MeshLayout layout = new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3), 5701, 5683, 7443);
    List<String> members = new ArrayList<>(layout.members());
    brokerHosts.forEach(host -> members.add(host + ":5701"));
    MeshCredentials credentials = MeshCredentials.temporary();
    LocalMesh mesh = LocalMesh.withoutBroker(layout, members, credentials);
    BrokerFleet fleet = new BrokerFleet(brokerHosts, members, credentials,
        List.of("--technique", "cold", "--step-timeout", "3000"));
    FailoverDrill drill = new FailoverDrill(mesh, fleet);
    try {
      fleet.ensure(brokerCount);
    } catch (Exception e) {
      drill.close();
      throw e;
    }
    return drill;
  }

  private FailoverDrill(LocalMesh mesh, BrokerFleet brokers) {
    this.mesh = mesh;
    this.brokers = brokers;
    this.journal = new HandoffJournal(mesh.brokerVertx());
  }

  public LocalMesh mesh() {
    return mesh;
  }

  public BrokerFleet brokers() {
    return brokers;
  }

  /** Runs one handoff of a new client from site-a to site-b and kills its owner at {@code point}. Blocks. */
  public Outcome run(String clientId, KillPoint point, int brokerCount) throws Exception {
    brokers.ensure(brokerCount);
    Vertx observer = mesh.brokerVertx();
    CompletableFuture<BatonEvent> ended = new CompletableFuture<>();
    CompletableFuture<String> handoff = new CompletableFuture<>();
    CompletableFuture<Long> killedAt = new CompletableFuture<>();
    CompletableFuture<Long> killedAtMs = new CompletableFuture<>();
    CompletableFuture<String> killed = new CompletableFuture<>();
    var completedConsumer = observer.eventBus().<HandoffCompleted>consumer(Addresses.HANDOFF_COMPLETED, m -> {
      if (handoff.isDone() && m.body().handoffId().equals(handoff.join())) {
        ended.complete(m.body());
      }
    });
    var abortedConsumer = observer.eventBus().<HandoffAborted>consumer(Addresses.HANDOFF_ABORTED, m -> {
      if (handoff.isDone() && m.body().handoffId().equals(handoff.join())) {
        ended.complete(m.body());
      }
    });
    await(completedConsumer.completion());
    await(abortedConsumer.completion());

    AtomicBoolean armed = new AtomicBoolean(true);
    Vertx site = mesh.site(point.site).orElseThrow().vertx();
    Handler<DeliveryContext<Object>> killer = delivery -> {
      if (delivery.message().address().equals(point.command.address(point.site)) && armed.compareAndSet(true, false)) {
        String id = ((BatonEvent) delivery.message().body()).toJson().getString("handoffId");
        handoff.complete(id);
        Thread thread = new Thread(() -> killOwner(id, killedAt, killedAtMs, killed), "failover-drill-killer");
        thread.start();
        if (point.drop) {
          return;
        }
      }
      delivery.next();
    };
    site.eventBus().addInboundInterceptor(killer);
    String siteA = mesh.site("site-a").orElseThrow().config().coapEndpoint();
    List<CompletableFuture<CallResult>> calls = new ArrayList<>();
    long endedAt;
    try (BatonClient client = BatonClient.builder().clientId(clientId).service("counter")
        .credentials(mesh.credentials().client(clientId)).site(siteA).build()) {
      client.attachBlocking();
      long deadline = System.currentTimeMillis() + TIMEOUT_MS;
      int tick = 0;
      while (!ended.isDone() && System.currentTimeMillis() < deadline) {
        calls.add(client.call(new JsonObject().put("op", "increment")));
        if (!handoff.isDone() && tick++ % 5 == 0) {
          client.report(new TelemetryReport(clientId, System.currentTimeMillis(), 150, 0, 10, 90,
              Map.of("site-a", -95.0, "site-b", -60.0)));
        }
        Thread.sleep(20);
      }
      BatonEvent end = ended.get(1, TimeUnit.MILLISECONDS);
      endedAt = System.nanoTime();
      for (int i = 0; i < 25; i++) {
        calls.add(client.call(new JsonObject().put("op", "increment")));
        Thread.sleep(20);
      }
      List<CallResult> answers = new ArrayList<>();
      for (CompletableFuture<CallResult> call : calls) {
        answers.add(call.get(60, TimeUnit.SECONDS));
      }
      String id = handoff.join();
      JournalEntry entry = JournalEntry.decode(await(journal.raw()).get(id));
      ClientRecord record = await(new ClientDirectory(observer).find(clientId)).orElseThrow();
      return new Outcome(id, killed.get(30, TimeUnit.SECONDS), killedAtMs.get(30, TimeUnit.SECONDS), entry, end instanceof HandoffCompleted,
          (endedAt - killedAt.get(30, TimeUnit.SECONDS)) / 1e6, answers, record);
    } finally {
      site.eventBus().removeInboundInterceptor(killer);
      completedConsumer.unregister();
      abortedConsumer.unregister();
    }
  }

  /** Finds the broker that owns {@code handoffId} in the journal and kills its process. */
  private void killOwner(String handoffId, CompletableFuture<Long> killedAt, CompletableFuture<Long> killedAtMs,
      CompletableFuture<String> killed) {
    try {
      String owner = JournalEntry.decode(await(journal.raw()).get(handoffId)).ownerName();
      brokers.kill(owner);
      killedAt.complete(System.nanoTime());
      killedAtMs.complete(System.currentTimeMillis());
      killed.complete(owner);
    } catch (Exception e) {
      killedAt.completeExceptionally(e);
      killedAtMs.completeExceptionally(e);
      killed.completeExceptionally(e);
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      brokers.close();
    } finally {
      mesh.close();
    }
  }
}
