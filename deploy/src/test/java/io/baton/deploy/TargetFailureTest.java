package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.broker.saga.HandoffAbortedException;
import io.baton.client.BatonClient;
import io.baton.client.CallResult;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.Addresses;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.StateTransferred;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The target fails in the middle of a handoff, after the source froze and the state crossed:
 * its agent dies, its restore fails, or it never answers. Each time the handoff must abort, the
 * source must serve again under the same epoch, and the client, calling all along at 50 calls a
 * second, must see every call answered exactly once, all by the source.
 */
class TargetFailureTest {
  private static LocalMesh mesh;
  private static List<HandoffAborted> aborted;
  private static List<HandoffCompleted> completed;
  private static LiveInstanceMonitor monitor;

  @BeforeAll
  static void startMesh() throws Exception {
    // A short step timeout, so the broker gives up on a silent target quickly.
    mesh = MeshFixture.start(2, new BrokerConfig(3.0, 320, 0.5, 1_500));
    aborted = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_ABORTED);
    completed = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_COMPLETED);
    monitor = new LiveInstanceMonitor(mesh);
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void targetAgentDiesOnRestore() throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    HandoffAborted abort = handOffUnderLoad("walker-1", "site-b", delivery -> {
      if (isRestore(delivery, "site-b") && killed.compareAndSet(false, true)) {
        mesh.stopSite("site-b");
        return;
      }
      delivery.next();
    });
    assertTrue(killed.get(), "the target died in the middle of the handoff");
    assertEquals("restore", abort.failedStep());
  }

  @Test
  void targetRestoreFails() throws Exception {
    // The restore command announces a digest the received snapshot does not have: the target's real
    // restore path must refuse it, and the refusal must abort the handoff.
    Vertx target = mesh.site("site-c").orElseThrow().vertx();
    AtomicBoolean tampered = new AtomicBoolean();
    HandoffAborted abort = handOffUnderLoad("walker-2", "site-c", delivery -> {
      if (isRestore(delivery, "site-c") && tampered.compareAndSet(false, true)) {
        StateTransferred sent = (StateTransferred) delivery.message().body();
        StateTransferred altered = new StateTransferred(sent.handoffId(), sent.targetSite(), sent.bytesSent(),
            "0".repeat(64), sent.transferMicros());
        Message<Object> original = delivery.message();
        target.eventBus().request(delivery.message().address(), altered).onComplete(
            reply -> original.reply(reply.body()),
            failure -> original.fail(((ReplyException) failure).failureCode(), failure.getMessage()));
        return;
      }
      delivery.next();
    });
    assertTrue(tampered.get());
    assertEquals("restore", abort.failedStep());
    assertTrue(abort.reason().contains("no verified execution state"), abort.reason());
    assertFalse(monitor.liveSites("walker-2/counter").contains("site-c"));
  }

  @Test
  void targetNeverAnswers() throws Exception {
    HandoffAborted abort = handOffUnderLoad("walker-3", "site-c", delivery -> {
      if (!isRestore(delivery, "site-c")) {
        delivery.next();
      }
    });
    assertEquals("restore", abort.failedStep());
    assertTrue(abort.reason().contains("Timed out"), abort.reason());
  }

  private static boolean isRestore(DeliveryContext<?> delivery, String site) {
    return delivery.message().address().equals(AgentCommand.RESTORE.address(site));
  }

  /**
   * Calls the client's counter 200 times at 50 a second, with a handoff to {@code targetSite}
   * started at the 50th call while {@code failure} intercepts the target's inbound messages.
   */
  private static HandoffAborted handOffUnderLoad(String clientId, String targetSite, Handler<DeliveryContext<Object>> failure)
      throws Exception {
    Vertx target = mesh.site(targetSite).orElseThrow().vertx();
    target.eventBus().addInboundInterceptor(failure);
    String siteA = mesh.site("site-a").orElseThrow().config().coapEndpoint();
    HandoffAborted event;
    try (BatonClient client = BatonClient.builder().clientId(clientId).credentials(MeshFixture.client(mesh, clientId)).service("counter").site(siteA).build()) {
      client.attachBlocking();
      List<CompletableFuture<CallResult>> calls = new ArrayList<>();
      CompletableFuture<HandoffCompleted> handoff = null;
      for (int i = 0; i < 200; i++) {
        calls.add(client.call(new JsonObject().put("op", "increment")));
        if (i == 50) {
          handoff = mesh.broker().handOff(clientId, targetSite, "test").toCompletionStage().toCompletableFuture();
        }
        Thread.sleep(20);
      }
      Throwable outcome = handoff.handle((done, error) -> error).get();
      HandoffAbortedException abort = assertInstanceOf(HandoffAbortedException.class, outcome);
      event = abort.event();
      assertTrue(event.compensation().contains("serves again"), event.compensation());

      List<Long> values = new ArrayList<>();
      for (CompletableFuture<CallResult> call : calls) {
        CallResult result = MeshFixture.await(call);
        assertEquals("site-a", result.site(), "only the source ever served");
        values.add(result.result().getLong("value"));
      }
      values.sort(Long::compare);
      assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), values, "every call answered exactly once");
      assertEquals(200, client.callBlocking(new JsonObject().put("op", "get")).result().getLong("value"));
      assertEquals("site-a", client.assignment().site(), "the client was never redirected");
      assertTrue(calls.stream().anyMatch(c -> c.join().attempts() > 1), "some calls were held while the source was frozen");
    } finally {
      if (mesh.site(targetSite).isPresent()) {
        target.eventBus().removeInboundInterceptor(failure);
      }
    }

    ClientRecord record = MeshFixture.await(new ClientDirectory(mesh.brokerVertx()).find(clientId)).orElseThrow();
    assertEquals("site-a", record.site());
    assertEquals(1, record.epoch(), "the epoch did not move");
    assertFalse(record.inHandoff());
    assertEquals(Set.of("site-a"), monitor.liveSites(clientId + "/counter"));
    assertEquals(List.of(), monitor.doubleLiveMoments());
    assertTrue(completed.stream().noneMatch(h -> h.clientId().equals(clientId)));
    assertTrue(aborted.stream().anyMatch(a -> a.handoffId().equals(event.handoffId())), "the abort was published");
    return event;
  }
}
