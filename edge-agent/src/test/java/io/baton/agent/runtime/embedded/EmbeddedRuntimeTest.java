package io.baton.agent.runtime.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.CorruptSnapshotException;
import io.baton.agent.runtime.InstanceImage;
import io.baton.agent.runtime.InstanceNotServingException;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.InstanceTransition;
import io.baton.agent.runtime.ServiceException;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedRuntimeTest {
  private static Vertx vertx;
  private final EmbeddedRuntime source = new EmbeddedRuntime(vertx, "site-a");
  private final EmbeddedRuntime target = new EmbeddedRuntime(vertx, "site-b");
  private final InstanceSpec kv = new InstanceSpec("car-1/kv", "car-1", "kv", 1);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRepeatedRequestIdExecutesOnce() throws Exception {
    done(source.deploy(kv));
    JsonObject first = done(source.call(kv.instanceId(), incr("car-1:1")));
    JsonObject replay = done(source.call(kv.instanceId(), incr("car-1:1")));
    JsonObject next = done(source.call(kv.instanceId(), incr("car-1:2")));
    assertEquals(1, first.getLong("value"));
    assertEquals(first, replay);
    assertEquals(2, next.getLong("value"));
  }

  @Test
  void stateAndReplyCacheMoveWithTheImage() throws Exception {
    done(source.deploy(kv));
    done(source.call(kv.instanceId(), call("car-1:1", new JsonObject().put("op", "put").put("key", "home").put("value", "Oslo"))));
    done(source.call(kv.instanceId(), incr("car-1:2")));
    done(source.freeze(kv.instanceId()));
    InstanceImage image = done(source.image(kv.instanceId()));

    InstanceSpec moved = kv.withEpoch(2);
    done(target.stage(moved, copy(image.memory()), image.executionState()));
    assertEquals(Optional.of(InstanceState.STAGED), target.state(kv.instanceId()));
    assertInstanceOf(InstanceNotServingException.class, failure(target.call(kv.instanceId(), incr("car-1:3"))));
    done(target.activate(kv.instanceId()));

    assertEquals("Oslo", done(target.call(kv.instanceId(), call("car-1:4", new JsonObject().put("op", "get").put("key", "home")))).getString("value"));
    assertEquals(1, done(target.call(kv.instanceId(), incr("car-1:2"))).getLong("value"), "replayed call answered from the cache");
    assertEquals(2, done(target.call(kv.instanceId(), incr("car-1:5"))).getLong("value"));
  }

  @Test
  void aFrozenInstanceRefusesCallsUntilResumed() throws Exception {
    done(source.deploy(kv));
    done(source.freeze(kv.instanceId()));
    Throwable refused = failure(source.call(kv.instanceId(), incr("car-1:1")));
    assertInstanceOf(InstanceNotServingException.class, refused);
    assertTrue(refused.getMessage().contains("handoff in progress"), refused.getMessage());
    done(source.resume(kv.instanceId(), 1));
    assertEquals(1, done(source.call(kv.instanceId(), incr("car-1:1"))).getLong("value"));
  }

  @Test
  void aTruncatedExecutionStateIsRefusedAndNothingIsStaged() throws Exception {
    done(source.deploy(kv));
    for (int i = 1; i <= 20; i++) {
      done(source.call(kv.instanceId(), incr("car-1:" + i)));
    }
    done(source.freeze(kv.instanceId()));
    InstanceImage image = done(source.image(kv.instanceId()));
    byte[] whole = image.executionState();
    for (int cut : new int[] {0, 3, 8, whole.length / 2, whole.length - 1}) {
      Throwable refused = failure(target.stage(kv, copy(image.memory()), Arrays.copyOf(whole, cut)));
      assertInstanceOf(CorruptSnapshotException.class, refused, "cut at " + cut);
      assertFalse(target.state(kv.instanceId()).isPresent(), "nothing staged after a refused state");
    }
  }

  @Test
  void anExecutionStateOfAnotherKindIsRefused() throws Exception {
    InstanceSpec counter = new InstanceSpec("car-1/counter", "car-1", "counter", 1);
    done(source.deploy(counter));
    InstanceImage image = done(source.image(counter.instanceId()));
    Throwable refused = failure(target.stage(new InstanceSpec("car-1/counter", "car-1", "kv", 2), copy(image.memory()), image.executionState()));
    assertTrue(refused.getMessage().contains("'counter'"), refused.getMessage());
  }

  @Test
  void theSyntheticWorkloadDirtiesAboutTheBytesAskedFor() throws Exception {
    InstanceSpec synthetic = new InstanceSpec("w/synthetic", "w", "synthetic", 1, new JsonObject().put("sizeMb", 4).put("seed", 3));
    done(source.deploy(synthetic));
    PagedMemory memory = done(source.image(synthetic.instanceId())).memory();
    assertEquals(1024, memory.pageCount());
    assertTrue(memory.drainDirty().isEmpty(), "a fresh instance has nothing dirty");
    assertEquals(0.0, memory.dirtyBytesPerSecond(), "filling 4 MB at deploy is not a dirty rate");
    JsonObject reply = done(source.call(synthetic.instanceId(), call("w:1", new JsonObject().put("op", "dirty").put("bytes", 40_960))));
    assertEquals(10, reply.getInteger("pagesDirtied"));
    int dirty = memory.drainDirty().cardinality();
    assertTrue(dirty >= 2 && dirty <= 11, "10 random pages (some may repeat) plus the version page, got " + dirty);
  }

  @Test
  void badOperationsAreServiceErrors() throws Exception {
    done(source.deploy(kv));
    assertInstanceOf(ServiceException.class, failure(source.call(kv.instanceId(), call("car-1:1", new JsonObject().put("op", "fly")))));
    assertInstanceOf(ServiceException.class, failure(source.call(kv.instanceId(), call("car-1:2", new JsonObject().put("op", "get")))));
    assertInstanceOf(ServiceException.class, failure(source.validate("synthetic", new JsonObject().put("sizeMb", -1))));
  }

  @Test
  void aLiveInstanceCannotBeDiscardedAndTransitionsAreReported() throws Exception {
    List<InstanceTransition> transitions = Collections.synchronizedList(new ArrayList<>());
    source.onTransition(transitions::add);
    done(source.deploy(kv));
    assertTrue(failure(source.discard(kv.instanceId())).getMessage().contains("live"));
    done(source.freeze(kv.instanceId()));
    done(source.discard(kv.instanceId()));
    assertEquals(List.of("null->LIVE", "LIVE->FROZEN", "FROZEN->null"),
        transitions.stream().map(t -> t.from() + "->" + t.to()).toList());
  }

  private static PagedMemory copy(PagedMemory from) {
    PagedMemory to = PagedMemory.awaiting(from.pageCount(), page -> {
      throw new AssertionError("complete copy");
    });
    for (int page = 0; page < from.pageCount(); page++) {
      to.install(page, from.copyOf(page));
    }
    return to;
  }

  private static ServiceCall incr(String requestId) {
    return call(requestId, new JsonObject().put("op", "incr").put("key", "trip"));
  }

  private static ServiceCall call(String requestId, JsonObject body) {
    return new ServiceCall(requestId, body);
  }

  private static <T> T done(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }
}
