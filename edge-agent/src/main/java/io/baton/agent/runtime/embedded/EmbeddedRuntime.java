package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.CorruptSnapshotException;
import io.baton.agent.runtime.InstanceNotServingException;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.InstanceTransition;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.Snapshot;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs Java services in the agent's own process. State is small and in memory, so every operation
 * completes on the calling (event-loop) thread; the agent calls it from one context only, which is
 * what makes a freeze atomic with respect to calls.
 */
public final class EmbeddedRuntime implements ServiceRuntime {
  public static final String NAME = "embedded";

  private final String site;
  private final Map<String, Supplier<EmbeddedService>> catalog;
  private final Map<String, EmbeddedInstance> instances = new HashMap<>();
  private final List<Consumer<InstanceTransition>> listeners = new CopyOnWriteArrayList<>();
  private final int replyCapacity;

  public EmbeddedRuntime(String site) {
    this(site, Map.of(CounterService.KIND, CounterService::new, KeyValueService.KIND, KeyValueService::new,
        ArSessionService.KIND, ArSessionService::new),
        ReplyCache.DEFAULT_CAPACITY);
  }

  public EmbeddedRuntime(String site, Map<String, Supplier<EmbeddedService>> catalog, int replyCapacity) {
    this.site = site;
    this.catalog = Map.copyOf(catalog);
    this.replyCapacity = replyCapacity;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> serviceKinds() {
    return catalog.keySet();
  }

  @Override
  public Future<Void> deploy(InstanceSpec spec) {
    if (instances.containsKey(spec.instanceId())) {
      return Future.failedFuture("instance " + spec.instanceId() + " already runs here");
    }
    return newService(spec.serviceKind()).map(service -> {
      add(new EmbeddedInstance(spec, service, new ReplyCache(replyCapacity), InstanceState.LIVE));
      return null;
    });
  }

  @Override
  public Future<JsonObject> call(String instanceId, ServiceCall call) {
    EmbeddedInstance instance = instances.get(instanceId);
    if (instance == null || instance.state != InstanceState.LIVE) {
      return Future.failedFuture(new InstanceNotServingException(instanceId, state(instanceId)));
    }
    try {
      return Future.succeededFuture(instance.execute(call.requestId(), call.body()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<Snapshot> freeze(String instanceId) {
    return inState(instanceId, InstanceState.LIVE).map(instance -> {
      move(instance, InstanceState.FROZEN);
      return new Snapshot(instance.snapshot());
    });
  }

  @Override
  public Future<Void> resume(String instanceId) {
    return inState(instanceId, InstanceState.FROZEN).map(instance -> {
      move(instance, InstanceState.LIVE);
      return null;
    });
  }

  @Override
  public Future<Void> stage(InstanceSpec spec, Snapshot snapshot) {
    if (instances.containsKey(spec.instanceId())) {
      return Future.failedFuture("instance " + spec.instanceId() + " already exists here");
    }
    return newService(spec.serviceKind()).compose(service -> {
      try {
        SnapshotFormat.Contents contents = SnapshotFormat.read(snapshot.bytes(), replyCapacity);
        if (!contents.serviceKind().equals(spec.serviceKind())) {
          throw new CorruptSnapshotException("snapshot holds a '" + contents.serviceKind()
              + "' service, expected '" + spec.serviceKind() + "'");
        }
        service.importState(contents.serviceState());
        add(new EmbeddedInstance(spec, service, contents.replies(), InstanceState.STAGED));
        return Future.succeededFuture();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
  }

  @Override
  public Future<Void> activate(String instanceId) {
    return inState(instanceId, InstanceState.STAGED).map(instance -> {
      move(instance, InstanceState.LIVE);
      return null;
    });
  }

  @Override
  public Future<Void> discard(String instanceId) {
    EmbeddedInstance instance = instances.get(instanceId);
    if (instance == null) {
      return Future.succeededFuture();
    }
    if (instance.state == InstanceState.LIVE) {
      return Future.failedFuture("instance " + instanceId + " is live here; freeze it before discarding");
    }
    instances.remove(instanceId);
    notifyListeners(instance, instance.state, null);
    return Future.succeededFuture();
  }

  @Override
  public Optional<InstanceState> state(String instanceId) {
    return Optional.ofNullable(instances.get(instanceId)).map(i -> i.state);
  }

  @Override
  public void onTransition(Consumer<InstanceTransition> listener) {
    listeners.add(listener);
  }

  private Future<EmbeddedService> newService(String kind) {
    Supplier<EmbeddedService> factory = catalog.get(kind);
    return factory == null
        ? Future.failedFuture("unknown service kind '" + kind + "'; this site runs " + String.join(", ", catalog.keySet()))
        : Future.succeededFuture(factory.get());
  }

  private Future<EmbeddedInstance> inState(String instanceId, InstanceState expected) {
    EmbeddedInstance instance = instances.get(instanceId);
    if (instance == null || instance.state != expected) {
      return Future.failedFuture("instance " + instanceId + " is "
          + state(instanceId).map(s -> s.name().toLowerCase()).orElse("not here") + ", expected " + expected.name().toLowerCase());
    }
    return Future.succeededFuture(instance);
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
