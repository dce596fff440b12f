package io.baton.agent.runtime.docker;

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
  public void adopt(InstanceSpec spec, String containerId) {
    put(new DockerInstance(spec, ContainerProfile.fromOptions(spec.options()), containerId, InstanceState.LIVE), null);
  }

  public Optional<DockerInstance> instance(String instanceId) {
    return Optional.ofNullable(instances.get(instanceId));
  }

  @Override
  public Future<JsonObject> call(String instanceId, ServiceCall call) {
    DockerInstance instance = instances.get(instanceId);
    if (instance == null || instance.state() != InstanceState.LIVE) {
      return Future.failedFuture(new InstanceNotServingException(instanceId, state(instanceId)));
    }
    return blocking(() -> new JsonObject().put("site", siteId).put("answer", answer(instance)));
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
    return blocking(() -> {
      engine.checkpoint(instance.containerId(), FROZEN_CHECKPOINT, true);
      return null;
    }).map(v -> {
      put(instance.in(InstanceState.FROZEN), InstanceState.LIVE);
      return null;
    });
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

  /** Container names carry the site so two engines on one host never confuse their logs. */
  static String containerName(String instanceId) {
    return "baton-" + instanceId;
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
