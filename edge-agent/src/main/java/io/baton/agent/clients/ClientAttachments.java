package io.baton.agent.clients;

import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.InstanceSpec;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.InvalidPayloadException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Attaches clients: the first attach anywhere deploys the client's service at the site it attached
 * to; a later attach (a restarted app, another site) learns where the service runs now.
 */
public final class ClientAttachments {
  private final AgentConfig config;
  private final ServiceRuntime runtime;
  private final ClientDirectory clients;
  private final SiteDirectory sites;

  public ClientAttachments(Vertx vertx, AgentConfig config, ServiceRuntime runtime) {
    this.config = config;
    this.runtime = runtime;
    this.clients = new ClientDirectory(vertx);
    this.sites = new SiteDirectory(vertx);
  }

  public Future<Assignment> attach(AttachRequest request) {
    if (!runtime.serviceKinds().contains(request.service())) {
      return Future.failedFuture(new InvalidPayloadException(InvalidPayloadException.Kind.UNKNOWN,
          "unknown service '" + request.service() + "'; this site runs " + String.join(", ", runtime.serviceKinds())));
    }
    ClientRecord fresh = new ClientRecord(request.clientId(), request.service(),
        request.clientId() + "/" + request.service(), config.siteId(), 1, "");
    return runtime.validate(request.service(), request.options())
        .compose(valid -> clients.registerIfAbsent(fresh))
        .compose(record -> {
      if (!record.serviceKind().equals(request.service())) {
        return Future.failedFuture(new InvalidPayloadException(InvalidPayloadException.Kind.INVALID,
            "client '" + request.clientId() + "' is attached with service '" + record.serviceKind() + "'"));
      }
      if (record == fresh) {
        return runtime.deploy(new InstanceSpec(record.instanceId(), record.clientId(), record.serviceKind(), record.epoch(),
                request.options()))
            .map(v -> assignment(record, config.coapEndpoint(), config.mqttEndpoint()));
      }
      return sites.lookup(record.site()).map(site -> assignment(record, site.coapEndpoint(), site.mqttEndpoint()));
    });
  }

  /** Where the client's service runs now, as the client should see it. */
  public Future<Assignment> current(String clientId) {
    return clients.find(clientId).compose(found -> found
        .map(record -> sites.lookup(record.site()).map(site -> assignment(record, site.coapEndpoint(), site.mqttEndpoint())))
        .orElseGet(() -> Future.failedFuture(new io.baton.agent.Failures.UnknownClientException(clientId))));
  }

  private static Assignment assignment(ClientRecord record, String coapEndpoint, String mqttEndpoint) {
    return new Assignment(record.clientId(), record.serviceKind(), record.site(), coapEndpoint, mqttEndpoint, record.epoch());
  }
}
