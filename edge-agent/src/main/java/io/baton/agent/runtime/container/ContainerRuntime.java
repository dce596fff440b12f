package io.baton.agent.runtime.container;

import io.baton.agent.runtime.InstanceNotServingException;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.InstanceTransition;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Runs services as containers on this site's {@link ContainerEngine} (the Docker Engine, or runc
 * and CRIU directly). Every engine call runs on a worker thread. A container's state is a CRIU
 * checkpoint plus its writable layer: instances move through {@link ContainerSagaHandoff}, which
 * ends by {@link #adopt adopting} the restored container here.
 *
 * <p>A networked service (a profile with a port) answers calls over HTTP: the runtime forwards
 * each call to the address its engine gives the port, without blocking a thread, within
 * {@link #CALL_DEADLINE}. Other services answer through their query command (exec) or their log.
 * Either way a call never crosses a checkpoint ({@link CallGate}), and a request id executes once
 * ({@link ContainerReplies}, which moves with the checkpoint).
 */
public final class ContainerRuntime implements ServiceRuntime {
  /** The checkpoint a freeze leaves at this site, kept so an aborted handoff can resume from it. */
  public static final String FROZEN_CHECKPOINT = "baton-frozen";
  /** How long a networked service may take to answer one forwarded call. */
  public static final Duration CALL_DEADLINE = Duration.ofSeconds(3);
  /** How long a networked service may take from its start to listening on its port. */
  public static final Duration LISTEN_DEADLINE = Duration.ofSeconds(10);
  private static final Pattern HTTP_METHOD = Pattern.compile("[A-Z]{1,16}");
  private static final Pattern HTTP_PATH = Pattern.compile("/[\\x21-\\x7e]{0,1023}");

  private final Vertx vertx;
  private final String siteId;
  private final ContainerEngine engine;
  private final long memoryCapMb;
  private final Map<String, ContainerInstance> instances = new ConcurrentHashMap<>();
  private final List<Consumer<InstanceTransition>> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, CallGate> gates = new ConcurrentHashMap<>();
  private final Map<String, ContainerReplies> replyLogs = new ConcurrentHashMap<>();
  /** Instances frozen in place by a lazy checkpoint that serves their pages to a post-copy target. */
  private final Map<String, PostCopyEngine.LazyPages> servingPages = new ConcurrentHashMap<>();
  /** One connection per call (no keep-alive): no connection of a call outlives its answer into a checkpoint. */
  private final HttpClient http;

  /** {@code memoryCapMb} > 0 caps the memory this site gives any container (its capacity). */
  public ContainerRuntime(Vertx vertx, String siteId, ContainerEngine engine, long memoryCapMb) {
    this.vertx = vertx;
    this.siteId = siteId;
    this.engine = engine;
    this.memoryCapMb = memoryCapMb;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)
        .setConnectTimeout((int) CALL_DEADLINE.toMillis()));
  }

  /**
   * One container serving one instance; {@code serviceAddress} is where the host reaches a
   * networked service's port since its last start or restore (null: no port).
   */
  public record ContainerInstance(InstanceSpec spec, ContainerProfile profile, String containerId, InstanceState state,
      SocketAddress serviceAddress) {
    ContainerInstance in(InstanceState next) {
      return new ContainerInstance(spec, profile, containerId, next, serviceAddress);
    }
  }

  public String siteId() {
    return siteId;
  }

  public ContainerEngine engine() {
    return engine;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The profile a container gets here: the service's own, under this site's memory cap. */
  public ContainerProfile localProfile(ContainerProfile profile) {
    if (memoryCapMb > 0 && (profile.memoryMb() == 0 || profile.memoryMb() > memoryCapMb)) {
      return profile.withMemoryMb(memoryCapMb);
    }
    return profile;
  }

  @Override
  public String name() {
    return engine.runtimeName();
  }

  @Override
  public Set<String> serviceKinds() {
    return Set.of(ContainerProfile.KIND);
  }

  @Override
  public Future<Void> validate(String serviceKind, JsonObject options) {
    if (!ContainerProfile.KIND.equals(serviceKind)) {
      return Future.failedFuture("the " + engine.runtimeName() + " runtime runs kind '" + ContainerProfile.KIND + "', not '" + serviceKind + "'");
    }
    ContainerProfile profile;
    try {
      profile = ContainerProfile.fromOptions(options);
    } catch (IllegalArgumentException bad) {
      return Future.failedFuture(bad);
    }
    return blocking(() -> {
      if (!engine.hasImage(profile.image())) {
        throw new IllegalArgumentException("image '" + profile.image() + "' is not on the engine of " + siteId);
      }
      return null;
    });
  }

  @Override
  public Future<Void> deploy(InstanceSpec spec) {
    if (instances.containsKey(spec.instanceId())) {
      return Future.failedFuture("instance " + spec.instanceId() + " already exists at " + siteId);
    }
    return validate(spec.serviceKind(), spec.options()).compose(v -> blocking(() -> {
      ContainerProfile profile = localProfile(ContainerProfile.fromOptions(spec.options()));
      String containerId = engine.create(containerName(spec.instanceId()), profile);
      SocketAddress serviceAddress;
      try {
        engine.start(containerId);
        serviceAddress = serviceAddress(containerId, profile);
        if (profile.networked()) {
          awaitListening(spec.instanceId(), containerId, profile.port());
        }
      } catch (RuntimeException failed) {
        engine.remove(containerId);
        throw failed;
      }
      return new ContainerInstance(spec, ContainerProfile.fromOptions(spec.options()), containerId, InstanceState.LIVE,
          serviceAddress);
    })).map(instance -> {
      put(instance, null);
      return null;
    });
  }

  /**
   * A networked service is LIVE once it listens on its port, not when its process starts: a call
   * sent at once would be refused. A service that does not listen within {@link #LISTEN_DEADLINE}
   * is not deployed. Asked of the kernel every 20 ms, without connecting (a service may accept only
   * one connection). Blocks.
   */
  private void awaitListening(String instanceId, String containerId, int port) {
    long until = System.nanoTime() + LISTEN_DEADLINE.toNanos();
    while (true) {
      long pid = engine.initPid(containerId);
      if (pid > 0 && ListeningSockets.listening(pid, port)) {
        return;
      }
      if (System.nanoTime() > until) {
        throw new IllegalStateException("the service " + instanceId + " did not listen on port " + port + " within "
            + LISTEN_DEADLINE.toSeconds() + " s of its start" + (pid > 0 ? "" : " (its container is not running)"));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while " + instanceId + " started");
      }
    }
  }

  /**
   * Registers a container restored here by a handoff as this site's LIVE instance. Blocks (it
   * reads a networked service's new host port from the engine): call it from a worker thread.
   */
  public void adopt(InstanceSpec spec, String containerId, JsonObject answered) {
    adopt(spec, containerId, answered, InstanceState.LIVE);
  }

  /**
   * Registers a container restored here by the broker's saga, STAGED: its process runs (the source
   * is frozen) but it answers no call until {@link #activate}, after the fence names this site.
   * Blocks like {@link #adopt}.
   */
  public void adoptStaged(InstanceSpec spec, String containerId, JsonObject answered) {
    adopt(spec, containerId, answered, InstanceState.STAGED);
  }

  private void adopt(InstanceSpec spec, String containerId, JsonObject answered, InstanceState state) {
    ContainerProfile profile = ContainerProfile.fromOptions(spec.options());
    SocketAddress serviceAddress = serviceAddress(containerId, profile);
    replyLogs.put(spec.instanceId(), ContainerReplies.of(answered));
    put(new ContainerInstance(spec, profile, containerId, state, serviceAddress), null);
  }

  /** Where the host reaches the service's port now (null: the service has none). Blocks. */
  private SocketAddress serviceAddress(String containerId, ContainerProfile profile) {
    return profile.networked() ? engine.serviceAddress(containerId, profile.port()) : null;
  }

  public Optional<ContainerInstance> instance(String instanceId) {
    return Optional.ofNullable(instances.get(instanceId));
  }

  /**
   * Executes a call once per request id: a call sent again (its answer was lost, or it timed out
   * while still running) gets the first execution's answer, here or, after a handoff, at the
   * target, which receives these replies with the checkpoint.
   */
  @Override
  public Future<JsonObject> call(String instanceId, ServiceCall call) {
    ContainerInstance instance = instances.get(instanceId);
    if (instance == null || instance.state() != InstanceState.LIVE) {
      return Future.failedFuture(new InstanceNotServingException(instanceId, state(instanceId)));
    }
    return replies(instanceId).once(call.requestId(), () -> execute(instanceId, call));
  }

  /**
   * A call runs beside other calls but never across a checkpoint: CRIU would dump its exec, or
   * refuse the container for the call's open connection. A call that waited at the gate for a
   * checkpoint finds the instance as the checkpoint left it.
   */
  private Future<JsonObject> execute(String instanceId, ServiceCall call) {
    CallGate gate = gate(instanceId);
    return gate.enter(vertx).compose(v -> {
      Future<JsonObject> answer;
      try {
        ContainerInstance now = instances.get(instanceId);
        if (now == null || now.state() != InstanceState.LIVE) {
          throw new InstanceNotServingException(instanceId, state(instanceId));
        }
        answer = now.profile().networked() ? forward(now, call)
            : blocking(() -> new JsonObject().put("site", siteId).put("answer", answer(now)));
      } catch (RuntimeException refused) {
        answer = Future.failedFuture(refused);
      }
      return answer.andThen(done -> gate.leave());
    });
  }

  /**
   * Sends the call to the networked service: an HTTP request to the address its engine
   * published. The call's body names the request: {@code method} (default POST), {@code path}
   * (default /) and {@code body} (a string as it is, anything else as JSON; default empty); the
   * request id travels as X-Baton-Request-Id. Every HTTP reply is the call's answer, its status
   * included ({@code {"site":..,"status":200,"answer":"<reply body>"}}), and as such is kept for
   * the request id; no reply within {@link #CALL_DEADLINE} fails the call.
   */
  private Future<JsonObject> forward(ContainerInstance instance, ServiceCall call) {
    JsonObject body = call.body();
    String method = String.valueOf(body.getValue("method", "POST"));
    String path = String.valueOf(body.getValue("path", "/"));
    if (!HTTP_METHOD.matcher(method).matches() || !HTTP_PATH.matcher(path).matches()) {
      return Future.failedFuture(new IllegalArgumentException(
          "a call to a networked service names an HTTP method (A-Z) and a path (/ then printable ASCII, at most 1 KB)"));
    }
    Object entity = body.getValue("body");
    Buffer payload = entity == null ? Buffer.buffer() : Buffer.buffer(entity instanceof String text ? text : Json.encode(entity));
    SocketAddress address = instance.serviceAddress();
    String where = instance.spec().instanceId() + " at " + address.host() + ":" + address.port() + " (" + siteId + ")";
    Promise<JsonObject> answer = Promise.promise();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long deadline = vertx.setTimer(CALL_DEADLINE.toMillis(), t -> {
      if (answer.tryFail(new ServiceDeadlineException("the service " + where + " did not answer " + method + " " + path
          + " within " + CALL_DEADLINE.toMillis() + " ms"))) {
        HttpClientRequest request = sent.get();
        if (request != null) {
          request.reset();
        }
      }
    });
    http.request(new RequestOptions().setMethod(HttpMethod.valueOf(method)).setHost(address.host())
            .setPort(address.port()).setURI(path).putHeader("X-Baton-Request-Id", call.requestId()))
        .compose(request -> {
          sent.set(request);
          return request.send(payload);
        })
        // The reply ends when the service closes the connection (or at its Content-Length).
        .compose(response -> response.body().map(reply -> new JsonObject().put("site", siteId)
            .put("status", response.statusCode()).put("answer", reply.toString().strip())))
        .onComplete(done -> {
          vertx.cancelTimer(deadline);
          if (done.succeeded()) {
            answer.tryComplete(done.result());
          } else {
            answer.tryFail(new IllegalStateException("calling the service " + where + ": " + done.cause().getMessage(),
                done.cause()));
          }
        });
    return answer.future();
  }

  /**
   * Runs {@code work} (a checkpoint) on the calling worker thread once no call of the instance is
   * in its container, and keeps new calls out until it returns.
   */
  <T> T exclusive(String instanceId, Callable<T> work) throws Exception {
    return gate(instanceId).exclusive(work);
  }

  /**
   * The instance's health check: its query command, run inside the container (a networked
   * service answers calls over its port; its query command is for this only). Never across a
   * checkpoint.
   */
  @Override
  public Future<String> health(String instanceId) {
    CallGate gate = gate(instanceId);
    return gate.enter(vertx).compose(v -> {
      ContainerInstance now = instances.get(instanceId);
      if (now == null || now.state() != InstanceState.LIVE || now.profile().queryCmd().isEmpty()) {
        gate.leave();
        return Future.failedFuture(now == null || now.state() != InstanceState.LIVE
            ? new InstanceNotServingException(instanceId, state(instanceId))
            : new IllegalStateException(instanceId + " has no query command to check its health with"));
      }
      return blocking(() -> engine.exec(now.containerId(), now.profile().queryCmd()).strip())
          .andThen(done -> gate.leave());
    });
  }

  /** A networked service did not answer a call within {@link #CALL_DEADLINE}. */
  public static final class ServiceDeadlineException extends RuntimeException {
    public ServiceDeadlineException(String message) {
      super(message);
    }
  }

  /** The instance's answered calls, to hand to the site it moves to. */
  public JsonObject repliesOf(String instanceId) {
    return replies(instanceId).answered();
  }

  private ContainerReplies replies(String instanceId) {
    return replyLogs.computeIfAbsent(instanceId, id -> new ContainerReplies());
  }

  private CallGate gate(String instanceId) {
    return gates.computeIfAbsent(instanceId, id -> new CallGate());
  }

  private String answer(ContainerInstance instance) {
    if (!instance.profile().queryCmd().isEmpty()) {
      return engine.exec(instance.containerId(), instance.profile().queryCmd()).strip();
    }
    String[] lines = engine.logs(instance.containerId()).strip().split("\n");
    return lines[lines.length - 1];
  }

  @Override
  public Future<Void> freeze(String instanceId) {
    ContainerInstance instance = instances.get(instanceId);
    if (instance == null || instance.state() != InstanceState.LIVE) {
      return Future.failedFuture(new InstanceNotServingException(instanceId, state(instanceId)));
    }
    return blocking(() -> exclusive(instanceId, () -> {
      engine.checkpoint(instance.containerId(), FROZEN_CHECKPOINT, true);
      put(instance.in(InstanceState.FROZEN), InstanceState.LIVE);
      return null;
    }));
  }

  /** The handoff that froze it failed: the container resumes here from its own final checkpoint. */
  @Override
  public Future<Void> resume(String instanceId, long epoch) {
    return resumeFrom(instanceId, FROZEN_CHECKPOINT);
  }

  Future<Void> resumeFrom(String instanceId, String checkpoint) {
    ContainerInstance instance = instances.get(instanceId);
    if (instance == null || instance.state() != InstanceState.FROZEN) {
      return Future.failedFuture(instanceId + " is not frozen at " + siteId);
    }
    PostCopyEngine.LazyPages frozenInPlace = servingPages.remove(instanceId);
    return blocking(() -> {
      if (frozenInPlace != null) {
        // Frozen in place by a lazy checkpoint, with all of its memory: end the serving, thaw it.
        frozenInPlace.close();
        ((PostCopyEngine) engine).resumeFrozen(instance.containerId());
      } else {
        engine.startFromCheckpoint(instance.containerId(), checkpoint);
      }
      return serviceAddress(instance.containerId(), instance.profile());
    }).map(address -> {
      put(new ContainerInstance(instance.spec(), instance.profile(), instance.containerId(), InstanceState.LIVE, address),
          InstanceState.FROZEN);
      return null;
    });
  }

  /**
   * Marks an instance frozen in place by a lazy checkpoint that serves its pages: a resume ends
   * {@code pages} and thaws the container instead of restoring it; a release ends them and removes it.
   */
  void markFrozenServingPages(String instanceId, PostCopyEngine.LazyPages pages) {
    servingPages.put(instanceId, pages);
    markFrozen(instanceId);
  }

  /** Marks an instance frozen by a checkpoint the caller took (the handoff's final dump). */
  void markFrozen(String instanceId) {
    ContainerInstance instance = instances.get(instanceId);
    if (instance != null) {
      put(instance.in(InstanceState.FROZEN), instance.state());
    }
  }

  @Override
  public Future<Void> activate(String instanceId) {
    ContainerInstance instance = instances.get(instanceId);
    if (instance != null && instance.state() == InstanceState.STAGED) {
      put(instance.in(InstanceState.LIVE), InstanceState.STAGED);
      return Future.succeededFuture();
    }
    return instance != null && instance.state() == InstanceState.LIVE ? Future.succeededFuture()
        : Future.failedFuture(instanceId + " was not restored at " + siteId);
  }

  @Override
  public Future<Void> discard(String instanceId) {
    ContainerInstance instance = instances.get(instanceId);
    if (instance == null) {
      return Future.succeededFuture();
    }
    if (instance.state() == InstanceState.LIVE) {
      return Future.failedFuture(instanceId + " is live at " + siteId + ": a live instance is never discarded");
    }
    return release(instanceId);
  }

  /** Removes the instance's container (the source after a completed handoff). */
  /**
   * Removes an instance whose container no longer runs (one killed for its memory as a post-copy
   * target); a live instance whose container runs is never dropped.
   */
  Future<Void> dropDead(String instanceId) {
    ContainerInstance instance = instances.get(instanceId);
    if (instance == null) {
      return Future.succeededFuture();
    }
    return blocking(() -> engine.running(instance.containerId())).compose(running -> running
        ? Future.failedFuture(instanceId + " still runs at " + siteId + ": it is not dropped")
        : release(instanceId));
  }

  Future<Void> release(String instanceId) {
    ContainerInstance instance = instances.remove(instanceId);
    if (instance == null) {
      return Future.succeededFuture();
    }
    replyLogs.remove(instanceId);
    gates.remove(instanceId);
    PostCopyEngine.LazyPages pages = servingPages.remove(instanceId);
    notifyListeners(instance, instance.state(), null);
    return blocking(() -> {
      if (pages != null) {
        pages.close();
      }
      engine.remove(instance.containerId());
      return null;
    });
  }

  @Override
  public Optional<InstanceState> state(String instanceId) {
    return Optional.ofNullable(instances.get(instanceId)).map(ContainerInstance::state);
  }

  @Override
  public void onTransition(Consumer<InstanceTransition> listener) {
    listeners.add(listener);
  }

  /**
   * Container names carry a prefix so Baton's containers stand out; characters Docker refuses in
   * a name (a client's instance id is "client/kind") become '_'.
   */
  static String containerName(String instanceId) {
    return "baton-" + instanceId.replaceAll("[^a-zA-Z0-9_.-]", "_");
  }


  private void put(ContainerInstance instance, InstanceState from) {
    instances.put(instance.spec().instanceId(), instance);
    notifyListeners(instance, from, instance.state());
  }

  private void notifyListeners(ContainerInstance instance, InstanceState from, InstanceState to) {
    InstanceTransition transition = new InstanceTransition(siteId, instance.spec().instanceId(), instance.spec().epoch(),
        from, to, System.nanoTime());
    listeners.forEach(listener -> listener.accept(transition));
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
