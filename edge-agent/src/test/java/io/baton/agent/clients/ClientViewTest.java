package io.baton.agent.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.protocol.directory.ClientRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The view's reads of the directory: misses of one client share one read while it is out. */
class ClientViewTest {
  private final ConcurrentMap<String, Promise<Optional<ClientRecord>>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final ClientView view = new ClientView(clientId -> {
    reads.incrementAndGet();
    Promise<Optional<ClientRecord>> answer = Promise.promise();
    pending.put(clientId, answer);
    return answer.future();
  }, System::currentTimeMillis);

  @Test
  void missesOfOneClientShareTheReadThatIsOut() {
    List<Future<Optional<ClientRecord>>> misses = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      misses.add(view.fetch("car-" + i % 10));
    }
    assertEquals(10, reads.get(), "one read per client while it is out");
    assertEquals(10, view.readsInFlight());

    pending.forEach((clientId, answer) -> answer.complete(Optional.of(new ClientRecord(clientId, "kv", "i-" + clientId, "site-a", 1, ""))));
    for (int i = 0; i < misses.size(); i++) {
      assertEquals("car-" + i % 10, misses.get(i).result().orElseThrow().clientId(), "miss " + i + " got its client's record");
    }
    assertEquals(0, view.readsInFlight(), "answered reads are forgotten");
    assertTrue(view.known("car-3").isPresent(), "the read entered the view");
  }

  @Test
  void aFailedReadIsNotSharedWithTheNextMiss() {
    Future<Optional<ClientRecord>> first = view.fetch("car-1");
    pending.remove("car-1").fail(new IllegalStateException("member gone"));
    assertTrue(first.failed());

    Future<Optional<ClientRecord>> second = view.fetch("car-1");
    assertEquals(2, reads.get(), "a miss after a failure reads again");
    pending.remove("car-1").complete(Optional.empty());
    assertTrue(second.succeeded() && second.result().isEmpty());
  }
}
