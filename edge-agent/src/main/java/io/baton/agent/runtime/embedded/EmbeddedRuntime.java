package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.CorruptSnapshotException;
import io.baton.agent.runtime.InstanceImage;
import io.baton.agent.runtime.InstanceNotServingException;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.InstanceTransition;
import io.baton.agent.runtime.PagedMemoryRuntime;
import io.baton.agent.runtime.memory.PageSource;
import io.baton.agent.runtime.memory.PagedMemory;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs Java services over paged memory in the agent's process. Every operation runs on one
 * dedicated worker thread, in order: a call may block on a post-copy page fault, which must not
 * happen on an event loop, and a freeze queued behind calls is atomic with respect to them.
 */
public final class EmbeddedRuntime implements PagedMemoryRuntime {
  public static final String NAME = "embedded";

  private final String site;
  private final Map<String, EmbeddedServiceKind> kinds;
  private final Map<String, EmbeddedInstance> instances = new ConcurrentHashMap<>();
  private final List<Consumer<InstanceTransition>> listeners = new CopyOnWriteArrayList<>();
  private final WorkerExecutor serial;
  private final int replyCapacity;

  public EmbeddedRuntime(Vertx vertx, String site) {
    this(vertx, site, List.of(CounterService.KIND, KeyValueService.KIND, SyntheticService.KIND, ArSessionService.KIND),
        ReplyCache.DEFAULT_CAPACITY);
  }

  public EmbeddedRuntime(Vertx vertx, String site, List<EmbeddedServiceKind> kinds, int replyCapacity) {
    this.site = site;
    this.kinds = kinds.stream().collect(Collectors.toUnmodifiableMap(EmbeddedServiceKind::name, k -> k));
    this.replyCapacity = replyCapacity;
    this.serial = vertx.createSharedWorkerExecutor("baton-runtime-" + site + "-" + System.identityHashCode(this), 1);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> serviceKinds() {
    return kinds.keySet();
  }

  @Override
  public Future<Void> validate(String serviceKind, JsonObject options) {
    return inOrder(() -> {
      kind(serviceKind).memoryBytes(options);
      return null;
    });
  }

  @Override
  public Future<Void> deploy(InstanceSpec spec) {
    return inOrder(() -> {
      if (instances.containsKey(spec.instanceId())) {
        throw new IllegalStateException("instance " + spec.instanceId() + " already runs here");
      }
      EmbeddedServiceKind kind = kind(spec.serviceKind());
      PagedMemory memory = PagedMemory.allocate(kind.memoryBytes(spec.options()));
      EmbeddedService service = kind.create(memory, spec.options(), true);
      memory.startTracking(); // the fill is not a dirty rate, nor "changed since the last round"
      add(new EmbeddedInstance(spec, memory, service, new ReplyCache(replyCapacity), InstanceState.LIVE));
      return null;
    });
  }

  @Override
  public Future<JsonObject> call(String instanceId, ServiceCall call) {
    return inOrder(() -> {
      EmbeddedInstance instance = instances.get(instanceId);
      if (instance == null || instance.state != InstanceState.LIVE) {
        throw new InstanceNotServingException(instanceId, state(instanceId));
      }
      try {
        return instance.execute(call.requestId(), call.body());
      } catch (PageSource.PageUnavailableException lost) {
        move(instance, InstanceState.FAILED);
        throw new InstanceNotServingException(instanceId, Optional.of(InstanceState.FAILED));
      }
    });
  }

  @Override
  public Future<Void> freeze(String instanceId) {
    return transition(instanceId, InstanceState.LIVE, InstanceState.FROZEN);
  }

  @Override
  public Future<Void> resume(String instanceId, long epoch) {
    return inOrder(() -> {
      EmbeddedInstance instance = expect(instanceId, InstanceState.FROZEN);
      instance.spec = instance.spec.withEpoch(epoch);
      move(instance, InstanceState.LIVE);
      return null;
    });
  }

  @Override
  public Future<InstanceImage> image(String instanceId) {
    return inOrder(() -> {
      EmbeddedInstance instance = instances.get(instanceId);
      if (instance == null) {
        throw new IllegalStateException("instance " + instanceId + " does not run here");
      }
      return new InstanceImage(instance.memory, instance.executionState());
    });
  }

  @Override
  public Future<Void> stage(InstanceSpec spec, PagedMemory memory, byte[] executionState) {
    return inOrder(() -> {
      if (instances.containsKey(spec.instanceId())) {
        throw new IllegalStateException("instance " + spec.instanceId() + " already exists here");
      }
      ExecutionStateFormat.Contents contents = ExecutionStateFormat.read(executionState, replyCapacity);
      if (!contents.serviceKind().equals(spec.serviceKind())) {
        throw new CorruptSnapshotException("execution state holds a '" + contents.serviceKind()
            + "' service, expected '" + spec.serviceKind() + "'");
      }
      if (contents.pageCount() != memory.pageCount()) {
        throw new CorruptSnapshotException("execution state describes " + contents.pageCount()
            + " pages, the memory has " + memory.pageCount());
      }
      EmbeddedServiceKind kind = kind(spec.serviceKind());
      InstanceSpec restored = new InstanceSpec(spec.instanceId(), spec.clientId(), spec.serviceKind(), spec.epoch(), contents.options());
      EmbeddedService service = kind.create(memory, contents.options(), false);
      add(new EmbeddedInstance(restored, memory, service, contents.replies(), InstanceState.STAGED));
      return null;
    });
  }

  @Override
  public Future<Void> activate(String instanceId) {
    return transition(instanceId, InstanceState.STAGED, InstanceState.LIVE);
  }

  @Override
  public Future<Void> discard(String instanceId) {
    return inOrder(() -> {
      EmbeddedInstance instance = instances.get(instanceId);
      if (instance == null) {
        return null;
      }
      if (instance.state == InstanceState.LIVE) {
        throw new IllegalStateException("instance " + instanceId + " is live here; freeze it before discarding");
      }
      instances.remove(instanceId);
      instance.memory.abandon("instance " + instanceId + " was discarded");
      notifyListeners(instance, instance.state, null);
      return null;
    });
  }

  /** An embedded service runs in this process: it is well while it is LIVE and its memory answers. */
  @Override
  public Future<String> health(String instanceId) {
    return inOrder(() -> {
      EmbeddedInstance instance = instances.get(instanceId);
      if (instance == null || instance.state != InstanceState.LIVE) {
        throw new InstanceNotServingException(instanceId, state(instanceId));
      }
      return new JsonObject().put("ok", true).put("kind", instance.spec.serviceKind())
          .put("pages", instance.memory.pageCount()).encode();
    });
  }

  @Override
  public Optional<InstanceState> state(String instanceId) {
    return Optional.ofNullable(instances.get(instanceId)).map(i -> i.state);
  }

  @Override
  public void onTransition(Consumer<InstanceTransition> listener) {
    listeners.add(listener);
  }


  private <T> Future<T> inOrder(Callable<T> work) {
    return serial.executeBlocking(work, true);
  }

  private Future<Void> transition(String instanceId, InstanceState from, InstanceState to) {
    return inOrder(() -> {
      move(expect(instanceId, from), to);
      return null;
    });
  }

  private EmbeddedServiceKind kind(String name) {
    EmbeddedServiceKind kind = kinds.get(name);
    if (kind == null) {
      throw new io.baton.agent.runtime.ServiceException("unknown service kind '" + name + "'; this site runs "
          + String.join(", ", kinds.keySet()));
    }
    return kind;
  }

  private EmbeddedInstance expect(String instanceId, InstanceState expected) {
    EmbeddedInstance instance = instances.get(instanceId);
    if (instance == null || instance.state != expected) {
      throw new IllegalStateException("instance " + instanceId + " is "
          + state(instanceId).map(s -> s.name().toLowerCase()).orElse("not here") + ", expected " + expected.name().toLowerCase());
    }
    return instance;
  }

  private void add(EmbeddedInstance instance) {
    instances.put(instance.spec.instanceId(), instance);
    notifyListeners(instance, null, instance.state);
  }

  private void move(EmbeddedInstance instance, InstanceState to) {
    InstanceState from = instance.state;
    instance.state = to;
    notifyListeners(instance, from, to);
  }

  private void notifyListeners(EmbeddedInstance instance, InstanceState from, InstanceState to) {
    InstanceTransition transition = new InstanceTransition(site, instance.spec.instanceId(), instance.spec.epoch(), from, to, System.nanoTime());
    listeners.forEach(l -> l.accept(transition));
  }
}
