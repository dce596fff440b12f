package io.baton.agent.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.InstanceImage;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.embedded.EmbeddedRuntime;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.Hashes;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.agent.transfer.TransferClients;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.grpc.ExecutionState;
import io.baton.protocol.grpc.ExecutionStateReceipt;
import io.baton.protocol.grpc.PageData;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dump that rides in the execution state's message (a pre-copy's last dirty pages): the target
 * keeps and restores it with no offer and no chunk stream, and refuses it, keeping nothing, when a
 * page was altered in transit or lies outside the memory.
 */
class DumpWithStateTest {
  private static Vertx vertx;
  private final EmbeddedRuntime sourceRuntime = new EmbeddedRuntime(vertx, "site-a");
  private final EmbeddedRuntime targetRuntime = new EmbeddedRuntime(vertx, "site-b");
  private final ChunkStore store = new ChunkStore(64L * 1024 * 1024);
  private final InstanceSpec kv = new InstanceSpec("car-1/kv", "car-1", "kv", 1);
  private MigrationTarget target;
  private HandoffRequested request;
  private InstanceImage image;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    done(vertx.close());
  }

  @BeforeEach
  void frozenSourceAndPreparedTarget() throws Exception {
    target = new MigrationTarget(vertx, vertx.getOrCreateContext(), new AgentConfig("site-b", "127.0.0.1", 0, 0), targetRuntime,
        store, new LinkEmulator(vertx, "site-b"), new TransferClients(vertx, Optional.empty()));
    done(sourceRuntime.deploy(kv));
    done(sourceRuntime.call(kv.instanceId(), new ServiceCall("car-1:1", new JsonObject().put("op", "put").put("key", "home").put("value", "Oslo"))));
    done(sourceRuntime.freeze(kv.instanceId()));
    image = done(sourceRuntime.image(kv.instanceId()));
    request = new HandoffRequested("h-1", kv.clientId(), kv.instanceId(), kv.serviceKind(), "site-a", "site-b", kv.epoch(), "pre-copy",
        "test", System.currentTimeMillis());
    done(target.prepare(request));
  }

  @Test
  void everyPageRidingWithTheStateIsKeptAndRestored() throws Exception {
    ExecutionState state = stateWith(page -> page);

    ExecutionStateReceipt receipt = target.executionState(state);

    assertEquals(image.memory().pageCount(), receipt.getPagesHeld(), "no offer and no chunk stream came first");
    assertEquals(0, receipt.getPagesMissing());
    done(target.restore("h-1", Hashes.hex(state.getSha256()), 2, () -> Future.succeededFuture(true)));
    assertEquals(Optional.of(InstanceState.LIVE), targetRuntime.state(kv.instanceId()));
    JsonObject home = done(targetRuntime.call(kv.instanceId(), new ServiceCall("car-1:2", new JsonObject().put("op", "get").put("key", "home"))));
    assertEquals("Oslo", home.getString("value"));
  }

  @Test
  void aPageAlteredInTransitIsRefusedAndNothingIsKept() {
    ExecutionState state = stateWith(page -> page.getPage() == 1 ? page.toBuilder().setData(flipped(page.getData())).build() : page);

    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> target.executionState(state));

    assertTrue(refused.getMessage().contains("dump page 1 does not match its digest"), refused.getMessage());
    assertEquals(0, store.size(), "no page of a refused state is kept");
    Throwable nothing = failure(target.restore("h-1", Hashes.hex(state.getSha256()), 2, () -> Future.succeededFuture(true)));
    assertTrue(nothing.getMessage().contains("no verified execution state"), nothing.getMessage());
    assertFalse(targetRuntime.state(kv.instanceId()).isPresent());
  }

  @Test
  void aPageOutsideTheMemoryIsRefused() {
    int outside = image.memory().pageCount();
    ExecutionState state = stateWith(page -> page.getPage() == 0 ? page.toBuilder().setPage(outside).build() : page);

    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> target.executionState(state));

    assertTrue(refused.getMessage().contains("dump page " + outside + " outside"), refused.getMessage());
    assertEquals(0, store.size());
  }

  /** The execution state with every page of the frozen memory riding in it, each passed through {@code alter}. */
  private ExecutionState stateWith(UnaryOperator<PageData> alter) {
    ExecutionState.Builder state = ExecutionState.newBuilder().setHandoffId("h-1")
        .setState(ByteString.copyFrom(image.executionState())).setSha256(Hashes.address(image.executionState()))
        .setPageCount(image.memory().pageCount()).setSourceSite("site-a").setInstanceId(kv.instanceId())
        .setClientId(kv.clientId()).setEpoch(kv.epoch());
    for (int page = 0; page < image.memory().pageCount(); page++) {
      byte[] data = image.memory().copyOf(page);
      state.addDumpPages(alter.apply(PageData.newBuilder().setPage(page).setData(ByteString.copyFrom(data))
          .setSha256(Hashes.address(data)).build()));
    }
    return state.build();
  }

  private static ByteString flipped(ByteString data) {
    byte[] bytes = data.toByteArray();
    bytes[0] ^= 1;
    return ByteString.copyFrom(bytes);
  }

  private static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  private static <T> T done(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
