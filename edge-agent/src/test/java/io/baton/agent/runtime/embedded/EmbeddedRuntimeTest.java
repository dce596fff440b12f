package io.baton.agent.runtime.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.CorruptSnapshotException;
import io.baton.agent.runtime.InstanceNotServingException;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.InstanceTransition;
import io.baton.agent.runtime.ServiceException;
import io.baton.agent.runtime.Snapshot;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmbeddedRuntimeTest {
  private final EmbeddedRuntime source = new EmbeddedRuntime("site-a");
  private final EmbeddedRuntime target = new EmbeddedRuntime("site-b");
  private final InstanceSpec kv = new InstanceSpec("car-1/kv", "car-1", "kv", 1);

  @Test
  void aRepeatedRequestIdExecutesOnce() {
    done(source.deploy(kv));
    JsonObject first = done(source.call(kv.instanceId(), incr("car-1:1")));
    JsonObject replay = done(source.call(kv.instanceId(), incr("car-1:1")));
    JsonObject next = done(source.call(kv.instanceId(), incr("car-1:2")));
    assertEquals(1, first.getLong("value"));
    assertEquals(first, replay);
    assertEquals(2, next.getLong("value"));
  }

  @Test
  void stateAndReplyCacheMoveWithTheSnapshot() {
    done(source.deploy(kv));
    done(source.call(kv.instanceId(), call("car-1:1", new JsonObject().put("op", "put").put("key", "home").put("value", "Oslo"))));
    done(source.call(kv.instanceId(), incr("car-1:2")));
    Snapshot snapshot = done(source.freeze(kv.instanceId()));

    InstanceSpec moved = new InstanceSpec(kv.instanceId(), kv.clientId(), kv.serviceKind(), 2);
    done(target.stage(moved, snapshot));
    assertEquals(Optional.of(InstanceState.STAGED), target.state(kv.instanceId()));
    assertInstanceOf(InstanceNotServingException.class, failure(target.call(kv.instanceId(), incr("car-1:3"))));
    done(target.activate(kv.instanceId()));

    assertEquals("Oslo", done(target.call(kv.instanceId(), call("car-1:4", new JsonObject().put("op", "get").put("key", "home")))).getString("value"));
    assertEquals(1, done(target.call(kv.instanceId(), incr("car-1:2"))).getLong("value"), "replayed call answered from the cache");
    assertEquals(2, done(target.call(kv.instanceId(), incr("car-1:5"))).getLong("value"));
  }

  @Test
  void aFrozenInstanceRefusesCallsUntilResumed() {
    done(source.deploy(kv));
    done(source.freeze(kv.instanceId()));
    Throwable refused = failure(source.call(kv.instanceId(), incr("car-1:1")));
    assertInstanceOf(InstanceNotServingException.class, refused);
    assertTrue(refused.getMessage().contains("handoff in progress"), refused.getMessage());
    done(source.resume(kv.instanceId()));
    assertEquals(1, done(source.call(kv.instanceId(), incr("car-1:1"))).getLong("value"));
  }

  @Test
  void aTruncatedSnapshotIsRefusedAndNothingIsStaged() {
    done(source.deploy(kv));
    for (int i = 1; i <= 20; i++) {
      done(source.call(kv.instanceId(), incr("car-1:" + i)));
    }
    byte[] whole = done(source.freeze(kv.instanceId())).bytes();
    for (int cut : new int[] {0, 3, 8, whole.length / 2, whole.length - 1}) {
      Throwable refused = failure(target.stage(kv, new Snapshot(Arrays.copyOf(whole, cut))));
      assertInstanceOf(CorruptSnapshotException.class, refused, "cut at " + cut);
      assertFalse(target.state(kv.instanceId()).isPresent(), "nothing staged after a refused snapshot");
    }
  }

  @Test
  void aSnapshotOfAnotherKindIsRefused() {
    InstanceSpec counter = new InstanceSpec("car-1/counter", "car-1", "counter", 1);
    done(source.deploy(counter));
    Snapshot snapshot = done(source.freeze(counter.instanceId()));
    Throwable refused = failure(target.stage(new InstanceSpec("car-1/counter", "car-1", "kv", 2), snapshot));
    assertTrue(refused.getMessage().contains("'counter'"), refused.getMessage());
  }

  @Test
  void badOperationsAreServiceErrorsAndNotCached() {
    done(source.deploy(kv));
    assertInstanceOf(ServiceException.class, failure(source.call(kv.instanceId(), call("car-1:1", new JsonObject().put("op", "fly")))));
    assertInstanceOf(ServiceException.class, failure(source.call(kv.instanceId(), call("car-1:2", new JsonObject().put("op", "get")))));
  }

  @Test
  void aLiveInstanceCannotBeDiscardedAndTransitionsAreReported() {
    List<InstanceTransition> transitions = new ArrayList<>();
    source.onTransition(transitions::add);
    done(source.deploy(kv));
    assertTrue(failure(source.discard(kv.instanceId())).getMessage().contains("live"));
    done(source.freeze(kv.instanceId()));
    done(source.discard(kv.instanceId()));
    assertEquals(List.of("null->LIVE", "LIVE->FROZEN", "FROZEN->null"),
        transitions.stream().map(t -> t.from() + "->" + t.to()).toList());
  }

  private static ServiceCall incr(String requestId) {
    return call(requestId, new JsonObject().put("op", "incr").put("key", "trip"));
  }

  private static ServiceCall call(String requestId, JsonObject body) {
    return new ServiceCall(requestId, body);
  }

  private static <T> T done(Future<T> future) {
    assertTrue(future.succeeded(), () -> "expected success, got " + future.cause());
    return future.result();
  }

  private static Throwable failure(Future<?> future) {
    assertTrue(future.failed(), "expected a failure");
    return future.cause();
  }
}
