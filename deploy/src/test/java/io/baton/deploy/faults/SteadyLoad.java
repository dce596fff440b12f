package io.baton.deploy.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.runtime.embedded.EmbeddedService;
import io.baton.agent.runtime.embedded.SyntheticService;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.client.BatonClient;
import io.baton.deploy.MeshFixture;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.client.BatonException;
import io.baton.client.CallResult;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real SDK client (CoAP) calling its service at a steady 20 calls a second from a thread of its
 * own while a fault is injected. The service is the synthetic workload with a 2 MB memory (512
 * pages, so a transfer is many chunks and a fault can land in the middle of it; its content is
 * seeded by the client id, so no other drill's chunks are already at a target); call n writes n
 * at a place of its own and answers the service's version, the count of writes applied. So the
 * answered versions must be exactly 1..n (a call run twice would skip one, a call lost would leave
 * a hole), and the memory's checksum at the end must equal the one rebuilt here by replaying the
 * answered calls on a fresh copy of the same service.
 */
final class SteadyLoad implements AutoCloseable {
  private static final long PERIOD_MS = 50;
  private static final int PAGES = PagedMemory.pagesFor((long) 2 * 1024 * 1024);

  private final BatonClient client;
  private final JsonObject options;
  private final List<CompletableFuture<CallResult>> calls = new ArrayList<>();
  private final Thread caller;
  private volatile boolean running = true;

  private SteadyLoad(BatonClient client) {
    this.client = client;
    this.options = options(client.clientId());
    this.caller = new Thread(this::callSteadily, "steady-load-" + client.clientId());
  }

  /** Attaches {@code client} (its service is deployed where it attaches) and starts calling. */
  static SteadyLoad start(BatonClient client) {
    client.attachBlocking();
    SteadyLoad load = new SteadyLoad(client);
    load.caller.start();
    return load;
  }

  static BatonClient.Builder client(LocalMesh mesh, String clientId, String siteEndpoint) {
    return BatonClient.builder().clientId(clientId).credentials(MeshFixture.client(mesh, clientId)).service("synthetic").serviceOptions(options(clientId)).site(siteEndpoint);
  }

  private static JsonObject options(String clientId) {
    return new JsonObject().put("sizeMb", 2).put("seed", (long) clientId.hashCode());
  }

  BatonClient client() {
    return client;
  }

  private void callSteadily() {
    long next = System.nanoTime();
    while (running) {
      int n;
      synchronized (calls) {
        n = calls.size() + 1;
        calls.add(client.call(stamp(n)));
      }
      next += TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(sleep);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Call n writes n at its own place: page 1 + (n-1) mod 511, the next long of it on every lap. */
  private static JsonObject stamp(int n) {
    int slot = n - 1;
    return new JsonObject().put("op", "stamp").put("page", 1 + slot % (PAGES - 1)).put("offset", Long.BYTES * (slot / (PAGES - 1)))
        .put("value", (long) n);
  }

  int sent() {
    synchronized (calls) {
      return calls.size();
    }
  }

  /** Keeps calling until at least {@code count} calls were sent. */
  void awaitSent(int count) throws InterruptedException {
    while (sent() < count) {
      Thread.sleep(10);
    }
  }

  /** Stops calling and waits for every call's outcome: an answer or a failure, each within a minute. */
  Outcome stop() throws InterruptedException {
    running = false;
    caller.join();
    List<CallResult> answered = new ArrayList<>();
    List<Throwable> failed = new ArrayList<>();
    for (CompletableFuture<CallResult> call : List.copyOf(calls)) {
      try {
        answered.add(call.get(60, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        failed.add(e.getCause());
      } catch (TimeoutException e) {
        failed.add(e);
      }
    }
    return new Outcome(options, answered, failed);
  }

  @Override
  public void close() {
    running = false;
    client.close();
  }

  /** What the calls got. */
  record Outcome(JsonObject options, List<CallResult> answered, List<Throwable> failed) {

    /** Every call answered, none twice, none lost: the versions are exactly 1..n. */
    void assertEveryCallAnsweredOnce() {
      assertEquals(List.of(), failed.stream().map(String::valueOf).toList(), "no call failed");
      List<Long> versions = answered.stream().map(r -> r.result().getLong("version")).sorted().toList();
      for (int i = 0; i < versions.size(); i++) {
        assertEquals(i + 1, versions.get(i), "the answered versions are 1.." + versions.size() + " without a gap or a repeat");
      }
      assertTrue(answered.size() >= 40, "the client kept calling through the fault: " + answered.size() + " calls");
    }

    /**
     * The service was lost: the answered calls are 1..k without a gap or a repeat, and every other
     * call failed with the SDK's clear error once it had been held for its longest hold.
     */
    void assertAnsweredOnceOrFailedClearly() {
      List<Long> versions = answered.stream().map(r -> r.result().getLong("version")).sorted().toList();
      for (int i = 0; i < versions.size(); i++) {
        assertEquals(i + 1, versions.get(i), "the answered versions are 1.." + versions.size() + " without a gap or a repeat");
      }
      for (Throwable failure : failed) {
        assertTrue(failure instanceof BatonException && failure.getMessage().contains("without an answer"), String.valueOf(failure));
      }
    }

    /** The sites that answered, in the order of the calls. */
    List<String> sites() {
      return answered.stream().map(CallResult::site).toList();
    }

    /** The checksum the service's memory must have after exactly the answered calls. */
    String expectedChecksum() {
      PagedMemory memory = PagedMemory.allocate(SyntheticService.KIND.memoryBytes(options));
      EmbeddedService service = SyntheticService.KIND.create(memory, options, true);
      for (int n = 1; n <= answered.size(); n++) {
        service.handle(stamp(n));
      }
      return service.handle(new JsonObject().put("op", "checksum")).getString("sha256");
    }

    /** Asks the service for its checksum (through the client, wherever it runs now) and compares it. */
    void assertStateIntact(BatonClient client) {
      JsonObject now = client.callBlocking(new JsonObject().put("op", "checksum")).result();
      assertEquals(answered.size(), now.getLong("version"), "the service applied each answered call once");
      assertEquals(expectedChecksum(), now.getString("sha256"), "the service's memory is exactly what the calls wrote");
    }
  }
}
