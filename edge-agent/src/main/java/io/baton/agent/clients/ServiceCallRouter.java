package io.baton.agent.clients;

import io.baton.agent.Failures.UnknownClientException;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.wire.CallEnvelope;
import io.baton.protocol.wire.ServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Routes a client's call to its service instance: executed here if the instance is here, else
 * forwarded over the bus to the site the directory names. A client that has not yet followed a
 * redirect is therefore still served, by the new site, through the old one.
 */
public final class ServiceCallRouter {
  private static final long FORWARD_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final String siteId;
  private final ServiceRuntime runtime;
  private final ClientDirectory clients;
  private final ClientGuard guard;

  public ServiceCallRouter(Vertx vertx, String siteId, ServiceRuntime runtime, ClientGuard guard) {
    this.vertx = vertx;
    this.siteId = siteId;
    this.runtime = runtime;
    this.clients = new ClientDirectory(vertx);
    this.guard = guard;
  }

  /** A call as a client sent it: routed only if it carries the client's service token (else 4.01, nothing runs). */
  public Future<JsonObject> routeFromClient(String clientId, CallEnvelope envelope) {
    return guard.checkToken(clientId, envelope.token()).compose(v -> route(clientId, envelope.call()));
  }

  public Future<JsonObject> route(String clientId, ServiceCall call) {
    return clients.find(clientId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new UnknownClientException(clientId));
      }
      ClientRecord record = found.get();
      if (runtime.state(record.instanceId()).isPresent() || record.site().equals(siteId)) {
        return executeHere(record, call);
      }
      return forward(record, call);
    });
  }

  /** The bus side of forwarding: a peer site asks this one to execute a call. */
  public Future<JsonObject> executeForwarded(JsonObject forwarded) {
    ServiceCall call = new ServiceCall(forwarded.getString("requestId"), forwarded.getJsonObject("body"));
    return clients.find(forwarded.getString("clientId")).compose(found -> found
        .map(record -> executeHere(record, call))
        .orElseGet(() -> Future.failedFuture(new UnknownClientException(forwarded.getString("clientId")))));
  }

  private Future<JsonObject> executeHere(ClientRecord record, ServiceCall call) {
    return runtime.call(record.instanceId(), call).map(result -> new JsonObject()
        .put("requestId", call.requestId())
        .put("result", result)
        .put("site", siteId)
        .put("epoch", record.epoch()));
  }

  private Future<JsonObject> forward(ClientRecord record, ServiceCall call) {
    JsonObject forwarded = new JsonObject()
        .put("clientId", record.clientId())
        .put("requestId", call.requestId())
        .put("body", call.body());
    return vertx.eventBus()
        .<JsonObject>request(AgentCommand.CALL.address(record.site()), forwarded, new DeliveryOptions().setSendTimeout(FORWARD_TIMEOUT_MS))
        .map(message -> message.body());
  }
}
