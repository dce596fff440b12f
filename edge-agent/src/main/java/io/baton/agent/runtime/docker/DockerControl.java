package io.baton.agent.runtime.docker;

import io.baton.agent.runtime.InstanceSpec;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.function.Function;

/**
 * The operator's hand on a docker site, over the cluster's event bus: deploy a container, call it,
 * migrate it to another site (pre-staged or cold). Sites announce their docker transfer endpoint
 * and where each instance lives in cluster-wide maps, so a command can start from any member.
 */
public final class DockerControl {
  public static final String SITES_MAP = "baton.docker.sites";
  public static final String INSTANCES_MAP = "baton.docker.instances";

  private final DockerSite site;

  public DockerControl(DockerSite site) {
    this.site = site;
  }

  public static String address(String siteId, String verb) {
    return "baton.docker." + siteId + "." + verb;
  }

  public Future<Void> start() {
    var bus = site.runtime().vertx().eventBus();
    bus.<JsonObject>consumer(address(site.siteId(), "deploy"), m -> reply(m, this::deploy));
    bus.<JsonObject>consumer(address(site.siteId(), "call"), m -> reply(m, this::call));
    bus.<JsonObject>consumer(address(site.siteId(), "migrate"), m -> reply(m, this::migrate));
    JsonObject endpoint = new JsonObject().put("host", site.host()).put("port", site.port());
    return sites().compose(map -> map.put(site.siteId(), endpoint));
  }

  private Future<JsonObject> deploy(JsonObject request) {
    String instanceId = request.getString("instanceId");
    if (instanceId == null || !instanceId.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")) {
      return Future.failedFuture("instance id must be 1-63 letters, digits, '.', '_' or '-'");
    }
    ContainerProfile profile;
    try {
      profile = ContainerProfile.fromOptions(request);
    } catch (IllegalArgumentException bad) {
      return Future.failedFuture(bad);
    }
    InstanceSpec spec = new InstanceSpec(instanceId, request.getString("clientId", instanceId), ContainerProfile.KIND, 1,
        profile.toOptions());
    return instances().compose(map -> map.get(instanceId).compose(existing -> existing != null
        ? Future.failedFuture("instance " + instanceId + " already runs at " + existing)
        : site.runtime().deploy(spec).compose(v -> map.put(instanceId, site.siteId()))))
        .map(v -> new JsonObject().put("instanceId", instanceId).put("site", site.siteId()));
  }

  private Future<JsonObject> call(JsonObject request) {
    return site.runtime().call(request.getString("instanceId", ""), new ServiceCall("cli-" + System.nanoTime(), request));
  }

  private Future<JsonObject> migrate(JsonObject request) {
    String instanceId = request.getString("instanceId", "");
    String toSite = request.getString("toSite", "");
    if (toSite.equals(site.siteId())) {
      return Future.failedFuture(instanceId + " already runs at " + toSite);
    }
    if (site.runtime().instance(instanceId).isEmpty()) {
      return Future.failedFuture("no instance " + instanceId + " at " + site.siteId());
    }
    boolean prestage = request.getBoolean("prestage", true);
    return sites().compose(map -> map.get(toSite))
        .compose(endpoint -> endpoint == null ? Future.failedFuture("no docker site " + toSite + " in the cluster")
            : site.linkTo(toSite, endpoint.getString("host"), endpoint.getInteger("port")))
        .compose(link -> (prestage ? site.handoff().prestage(instanceId, link).map(HandoffReport::describe)
            : Future.succeededFuture(""))
            .compose(ahead -> site.handoff().handoff(instanceId, link).map(report -> toJson(ahead, report))))
        .compose(reply -> !reply.getBoolean("restored") ? Future.succeededFuture(reply)
            : instances().compose(map -> map.put(instanceId, toSite)).map(v -> reply));
  }

  private static JsonObject toJson(String ahead, HandoffReport report) {
    JsonArray phases = new JsonArray();
    report.phases().forEach(p -> phases.add(new JsonObject().put("name", p.name()).put("micros", p.micros()).put("bytes", p.bytes())));
    return new JsonObject().put("restored", report.restoredAtTarget()).put("method", report.method())
        .put("handoffMicros", report.handoffMicros()).put("downtimeMicros", report.downtimeMicros())
        .put("finalBytes", report.finalBytes()).put("phases", phases).put("text", ahead + report.describe());
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
