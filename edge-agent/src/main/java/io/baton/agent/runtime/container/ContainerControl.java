package io.baton.agent.runtime.container;

import io.baton.agent.runtime.InstanceSpec;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.function.Function;

/**
 * The operator's hand on a container site, over the cluster's event bus: deploy a container, call it.
 * A deployed container is a client's service like an attached one (a client record, epoch 1), so it
 * moves only through the broker's handoff saga ({@code baton migrate}). Sites announce their container
 * transfer endpoint and where each instance lives in cluster-wide maps, so a command can start
 * from any member.
 */
public final class ContainerControl {
  public static final String SITES_MAP = "baton.containers.sites";
  public static final String INSTANCES_MAP = "baton.containers.instances";

  private static final String ID = "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}";

  private final ContainerSite site;

  public ContainerControl(ContainerSite site) {
    this.site = site;
  }

  public static String address(String siteId, String verb) {
    return "baton.containers." + siteId + "." + verb;
  }

  public Future<Void> start() {
    var bus = site.runtime().vertx().eventBus();
    bus.<JsonObject>consumer(address(site.siteId(), "deploy"), m -> reply(m, this::deploy));
    bus.<JsonObject>consumer(address(site.siteId(), "call"), m -> reply(m, this::call));
    JsonObject endpoint = new JsonObject().put("host", site.host()).put("port", site.port());
    return sites().compose(map -> map.put(site.siteId(), endpoint));
  }

  private Future<JsonObject> deploy(JsonObject request) {
    String instanceId = request.getString("instanceId");
    if (instanceId == null || !instanceId.matches(ID)) {
      return Future.failedFuture("instance id must be 1-63 letters, digits, '.', '_' or '-'");
    }
    ContainerProfile profile;
    try {
      profile = ContainerProfile.fromOptions(request);
    } catch (IllegalArgumentException bad) {
      return Future.failedFuture(bad);
    }
    String clientId = request.getString("clientId", instanceId);
    if (!clientId.matches(ID)) {
      return Future.failedFuture("client id must be 1-63 letters, digits, '.', '_' or '-'");
    }
    InstanceSpec spec = new InstanceSpec(instanceId, clientId, ContainerProfile.KIND, 1, profile.toOptions());
    ClientRecord record = new ClientRecord(clientId, ContainerProfile.KIND, instanceId, site.siteId(), 1, "");
    ClientDirectory clients = new ClientDirectory(site.runtime().vertx());
    return instances().compose(map -> map.get(instanceId).compose(existing -> existing != null
        ? Future.failedFuture("instance " + instanceId + " already runs at " + existing)
        : clients.find(clientId).compose(found -> found.isPresent()
            ? Future.failedFuture("client " + clientId + " already has a service at " + found.get().site())
            : site.runtime().deploy(spec))
            .compose(v -> clients.registerIfAbsent(record))
            // Another deploy or attach of the same client won the race: its service stands, this container goes.
            .compose(held -> held == record ? map.put(instanceId, site.siteId())
                : site.runtime().discard(instanceId).compose(d -> Future.failedFuture("client " + clientId
                    + " already has a service at " + held.site())))))
        .map(v -> new JsonObject().put("instanceId", instanceId).put("clientId", clientId).put("site", site.siteId()));
  }

  private Future<JsonObject> call(JsonObject request) {
    return site.runtime().call(request.getString("instanceId", ""), new ServiceCall("cli-" + System.nanoTime(), request));
  }

  private Future<AsyncMap<String, JsonObject>> sites() {
    return site.runtime().vertx().sharedData().getAsyncMap(SITES_MAP);
  }

  private Future<AsyncMap<String, String>> instances() {
    return site.runtime().vertx().sharedData().getAsyncMap(INSTANCES_MAP);
  }

  private static void reply(Message<JsonObject> message, Function<JsonObject, Future<JsonObject>> handler) {
    Future<JsonObject> result;
    try {
      result = handler.apply(message.body() == null ? new JsonObject() : message.body());
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(message::reply).onFailure(e -> message.fail(500, String.valueOf(e.getMessage())));
  }
}
