package io.baton.agent.runtime.docker;

import io.baton.agent.runtime.HandoffStrategy;
import io.baton.agent.runtime.InstanceImage;
import io.baton.agent.runtime.InstanceNotServingException;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.InstanceTransition;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Runs services as containers on this site's Docker Engine. Every engine call runs on a worker
 * thread. A container's state is a CRIU checkpoint plus its writable layer, not a paged memory:
 * {@link #image} and {@link #stage} are refused and docker instances move through
 * {@link DockerHandoff}, which ends by {@link #adopt adopting} the restored container here.
 */
public final class DockerRuntime implements ServiceRuntime {
  public static final String NAME = "docker";
  /** The checkpoint a freeze leaves at this site, kept so an aborted handoff can resume from it. */
  public static final String FROZEN_CHECKPOINT = "baton-frozen";

  private final Vertx vertx;
  private final String siteId;
  private final DockerEngine engine;
  private final long memoryCapMb;
  private final Map<String, DockerInstance> instances = new ConcurrentHashMap<>();
  private final List<Consumer<InstanceTransition>> listeners = new CopyOnWriteArrayList<>();
  private volatile HandoffStrategy sagaSteps;
  private final Map<String, ReadWriteLock> gates = new ConcurrentHashMap<>();
  private final Map<String, DockerReplies> replyLogs = new ConcurrentHashMap<>();

  /** {@code memoryCapMb} > 0 caps the memory this site gives any container (its capacity). */
  public DockerRuntime(Vertx vertx, String siteId, DockerEngine engine, long memoryCapMb) {
    this.vertx = vertx;
    this.siteId = siteId;
    this.engine = engine;
    this.memoryCapMb = memoryCapMb;
  }

  /** One container serving one instance. */
  public record DockerInstance(InstanceSpec spec, ContainerProfile profile, String containerId, InstanceState state) {
    DockerInstance in(InstanceState next) {
      return new DockerInstance(spec, profile, containerId, next);
    }
  }

  public String siteId() {
    return siteId;
  }

  public DockerEngine engine() {
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
    return NAME;
  }

  @Override
  public Set<String> serviceKinds() {
    return Set.of(ContainerProfile.KIND);
  }

  @Override
  public Future<Void> validate(String serviceKind, JsonObject options) {
    if (!ContainerProfile.KIND.equals(serviceKind)) {
      return Future.failedFuture("the docker runtime runs kind '" + ContainerProfile.KIND + "', not '" + serviceKind + "'");
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
      try {
        engine.start(containerId);
      } catch (RuntimeException failed) {
        engine.remove(containerId);
        throw failed;
      }
      return new DockerInstance(spec, ContainerProfile.fromOptions(spec.options()), containerId, InstanceState.LIVE);
    })).map(instance -> {
      put(instance, null);
      return null;
    });
  }

  /** Registers a container restored here by a handoff as this site's LIVE instance. */
  public void adopt(InstanceSpec spec, String containerId, JsonObject answered) {
    replyLogs.put(spec.instanceId(), DockerReplies.of(answered));
    put(new DockerInstance(spec, ContainerProfile.fromOptions(spec.options()), containerId, InstanceState.LIVE), null);
  }

  /**
   * Registers a container restored here by the broker's saga, STAGED: its process runs (the source
   * is frozen) but it answers no call until {@link #activate}, after the fence names this site.
   */
  public void adoptStaged(InstanceSpec spec, String containerId, JsonObject answered) {
    replyLogs.put(spec.instanceId(), DockerReplies.of(answered));
    put(new DockerInstance(spec, ContainerProfile.fromOptions(spec.options()), containerId, InstanceState.STAGED), null);
  }

  public Optional<DockerInstance> instance(String instanceId) {
    return Optional.ofNullable(instances.get(instanceId));
  }

  /**
   * Executes a call once per request id: a call sent again (its answer was lost, or it timed out
   * while still running) gets the first execution's answer, here or, after a handoff, at the
   * target, which receives these replies with the checkpoint.
   */
  @Override
  public Future<JsonObject> call(String instanceId, ServiceCall call) {
    DockerInstance instance = instances.get(instanceId);
    if (instance == null || instance.state() != InstanceState.LIVE) {
      return Future.failedFuture(new InstanceNotServingException(instanceId, state(instanceId)));
    }
    return replies(instanceId).once(call.requestId(), () -> execute(instanceId));
  }

  private Future<JsonObject> execute(String instanceId) {
    return blocking(() -> {
      // A call runs beside other calls but never across a checkpoint: CRIU would dump its exec.
      Lock shared = gate(instanceId).readLock();
      shared.lock();
      try {
        DockerInstance now = instances.get(instanceId);
        if (now == null || now.state() != InstanceState.LIVE) {
          throw new InstanceNotServingException(instanceId, state(instanceId));
        }
        return new JsonObject().put("site", siteId).put("answer", answer(now));
      } finally {
        shared.unlock();
      }
    });
  }

  /**
   * Runs {@code work} (a checkpoint) on the calling worker thread once no call of the instance is
   * in its container, and keeps new calls out until it returns.
   */
  <T> T exclusive(String instanceId, Callable<T> work) throws Exception {
    Lock sole = gate(instanceId).writeLock();
    sole.lock();
    try {
      return work.call();
    } finally {
      sole.unlock();
    }
  }

  /** The instance's answered calls, to hand to the site it moves to. */
  public JsonObject repliesOf(String instanceId) {
    return replies(instanceId).answered();
  }

  private DockerReplies replies(String instanceId) {
    return replyLogs.computeIfAbsent(instanceId, id -> new DockerReplies());
  }

  private ReadWriteLock gate(String instanceId) {
    return gates.computeIfAbsent(instanceId, id -> new ReentrantReadWriteLock());
  }

  private String answer(DockerInstance instance) {
    if (!instance.profile().queryCmd().isEmpty()) {
      return engine.exec(instance.containerId(), instance.profile().queryCmd()).strip();
    }
    String[] lines = engine.logs(instance.containerId()).strip().split("\n");
    return lines[lines.length - 1];
  }

  @Override
  public Future<Void> freeze(String instanceId) {
    DockerInstance instance = instances.get(instanceId);
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
    DockerInstance instance = instances.get(instanceId);
    if (instance == null || instance.state() != InstanceState.FROZEN) {
      return Future.failedFuture(instanceId + " is not frozen at " + siteId);
    }
    return blocking(() -> {
      engine.startFromCheckpoint(instance.containerId(), checkpoint);
      return null;
    }).map(v -> {
      put(instance.in(InstanceState.LIVE), InstanceState.FROZEN);
      return null;
    });
  }

  /** Marks an instance frozen by a checkpoint the caller took (the handoff's final dump). */
  void markFrozen(String instanceId) {
    DockerInstance instance = instances.get(instanceId);
    if (instance != null) {
      put(instance.in(InstanceState.FROZEN), instance.state());
    }
  }

  @Override
  public Future<InstanceImage> image(String instanceId) {
    return Future.failedFuture(new UnsupportedOperationException(
        "docker instances move as CRIU checkpoints through DockerHandoff, not as paged memory"));
  }

  @Override
  public Future<Void> stage(InstanceSpec spec, PagedMemory memory, byte[] executionState) {
    return Future.failedFuture(new UnsupportedOperationException(
        "docker instances are restored from CRIU checkpoints by DockerHandoff, not staged from paged memory"));
  }

  @Override
  public Future<Void> activate(String instanceId) {
    DockerInstance instance = instances.get(instanceId);
    if (instance != null && instance.state() == InstanceState.STAGED) {
      put(instance.in(InstanceState.LIVE), InstanceState.STAGED);
      return Future.succeededFuture();
    }
    return instance != null && instance.state() == InstanceState.LIVE ? Future.succeededFuture()
        : Future.failedFuture(instanceId + " was not restored at " + siteId);
  }

  @Override
  public Future<Void> discard(String instanceId) {
    DockerInstance instance = instances.get(instanceId);
    if (instance == null) {
      return Future.succeededFuture();
    }
    if (instance.state() == InstanceState.LIVE) {
      return Future.failedFuture(instanceId + " is live at " + siteId + ": a live instance is never discarded");
    }
    return release(instanceId);
  }

  /** Removes the instance's container (the source after a completed handoff). */
  Future<Void> release(String instanceId) {
    DockerInstance instance = instances.remove(instanceId);
    if (instance == null) {
      return Future.succeededFuture();
    }
    replyLogs.remove(instanceId);
    gates.remove(instanceId);
    notifyListeners(instance, instance.state(), null);
    return blocking(() -> {
      engine.remove(instance.containerId());
      return null;
    });
  }

  @Override
  public Optional<InstanceState> state(String instanceId) {
    return Optional.ofNullable(instances.get(instanceId)).map(DockerInstance::state);
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

  /** The saga's steps for containers: this site's {@link DockerSagaHandoff}, whatever {@code pagedMemory} offers. */
  @Override
  public HandoffStrategy handoffStrategy(HandoffStrategy pagedMemory) {
    if (sagaSteps == null) {
      throw new IllegalStateException("the docker runtime of " + siteId + " takes part in handoffs only as part of a DockerSite");
    }
    return sagaSteps;
  }

  /** Set once by the {@link DockerSite} this runtime belongs to. */
  void bindSagaSteps(HandoffStrategy steps) {
    this.sagaSteps = steps;
  }

  private void put(DockerInstance instance, InstanceState from) {
    instances.put(instance.spec().instanceId(), instance);
    notifyListeners(instance, from, instance.state());
  }

  private void notifyListeners(DockerInstance instance, InstanceState from, InstanceState to) {
    InstanceTransition transition = new InstanceTransition(siteId, instance.spec().instanceId(), instance.spec().epoch(),
        from, to, System.nanoTime());
    listeners.forEach(listener -> listener.accept(transition));
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
