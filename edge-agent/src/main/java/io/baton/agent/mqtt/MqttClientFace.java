package io.baton.agent.mqtt;

import io.baton.agent.AgentConfig;
import io.baton.agent.Failures;
import io.baton.agent.Failures.ForbiddenException;
import io.baton.agent.clients.ClientAttachments;
import io.baton.agent.clients.ClientGuard;
import io.baton.agent.clients.ServiceCallRouter;
import io.baton.agent.clients.TelemetryAdmission.Transport;
import io.baton.agent.clients.TelemetryIngest;
import io.baton.protocol.MqttTopics;
import io.baton.protocol.MqttTopics.InboundTopic;
import io.baton.protocol.MqttTopics.Lane;
import io.baton.protocol.MqttTopics.Outbound;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.HandoffHint;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.InvalidPayloadException.Kind;
import io.baton.protocol.wire.CallEnvelope;
import io.baton.protocol.wire.TelemetryBatch;
import io.baton.protocol.wire.TelemetryReport;
import io.baton.protocol.wire.WireFormat;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's MQTT face, the twin of its CoAP server: it takes what clients publish to this site's
 * topics (telemetry, attach, calls), hands it to the same ingest, attachments and router as CoAP,
 * and answers on the client's own topics. An assignment goes to the retained redirect topic, so a
 * client that (re)subscribes learns at once where its service runs; a refusal goes to the client's
 * error topic with the same code and reason CoAP would answer, and nothing reaches the bus. On a
 * secured broker the topic's client id is the publisher's login (the broker's ACL sees to that), a
 * call must carry the client's service token, and every assignment is sealed with its MAC.
 *
 * <p>The agent holds two connections to the broker ({@link Lane}): one for attaches and calls, which
 * also carries every answer, and one for telemetry, so a call never waits behind reports the
 * broker queued for the agent. Messages arrive on Paho's threads. Telemetry is parsed and admitted there and checked on the
 * telemetry context; past the agent's telemetry bound it is dropped and counted (MQTT has no way
 * to say "later", and a report is worth little once late). Attaches and calls are never shed: they
 * go to the agent's context, where no telemetry queues.
 */
public final class MqttClientFace {
  private static final Logger LOG = LoggerFactory.getLogger(MqttClientFace.class);

  private final AgentConfig config;
  private final TelemetryIngest ingest;
  private final ClientAttachments attachments;
  private final ServiceCallRouter router;
  /** Attaches and calls in, every answer out. */
  private final BrokerLink link;
  /** Telemetry in, on a connection of its own so no call queues behind it at the broker. */
  private final BrokerLink telemetryLink;
  private final ClientGuard guard;
  private final Context context;

  public MqttClientFace(AgentConfig config, Context context, TelemetryIngest ingest, ClientAttachments attachments,
      ServiceCallRouter router, ClientGuard guard) {
    this.config = config;
    this.guard = guard;
    this.ingest = ingest;
    this.attachments = attachments;
    this.router = router;
    this.context = context;
    this.link = new BrokerLink(context, config.mqttEndpoint(), "baton-agent-" + config.siteId(),
        MqttTopics.siteSubscriptions(config.siteId(), Lane.REQUESTS), config.credentials(), this::onArrival);
    this.telemetryLink = new BrokerLink(context, config.mqttEndpoint(), "baton-agent-" + config.siteId() + "-telemetry",
        MqttTopics.siteSubscriptions(config.siteId(), Lane.TELEMETRY), config.credentials(), this::onArrival);
  }

  public Future<Void> start() {
    return Future.all(link.connect(), telemetryLink.connect()).mapEmpty();
  }

  public Future<Void> stop() {
    return Future.join(link.close(), telemetryLink.close()).mapEmpty();
  }

  /** Publishes where the client's service runs now, retained: the redirect after a handoff. */
  public Future<Void> redirect(String clientId) {
    return attachments.current(clientId).compose(this::redirect);
  }

  /**
   * Tells the client where its service is going while the handoff runs: its current assignment with
   * the hint, not retained (the retained message stays the assignment itself), on its redirect topic.
   */
  public Future<Void> hint(String clientId, HandoffHint next) {
    return attachments.current(clientId).compose(assignment -> link.publish(Outbound.REDIRECT.topic(clientId),
        guard.seal(assignment).put(HandoffHint.FIELD, next.toJson()).toBuffer().getBytes(), false));
  }

  /** Publishes {@code assignment} as the client's redirect, retained. */
  public Future<Void> redirect(Assignment assignment) {
    return link.publish(Outbound.REDIRECT.topic(assignment.clientId()), guard.seal(assignment).toBuffer().getBytes(), true);
  }

  /** On Paho's thread: telemetry is admitted here, everything else goes to the agent's context. */
  private void onArrival(String topic, byte[] payload) {
    Optional<InboundTopic> parsed = MqttTopics.parseInbound(topic);
    if (parsed.isEmpty()) {
      LOG.debug("ignoring a message on {}", topic);
      return;
    }
    InboundTopic inbound = parsed.get();
    switch (inbound.kind()) {
      case TELEMETRY, BATCH -> telemetry(inbound, topic, payload);
      case ATTACH, CALL -> context.runOnContext(v -> onRequest(inbound, topic, payload));
    }
  }

  /**
   * Shed (dropped, counted by the admission) when the agent is over its bound; parsed on the
   * telemetry context otherwise, so Paho's one callback thread keeps up with the broker and a
   * backlog, if any, is the agent's bounded one, not the broker's queue. Refusals go to the error topic.
   */
  private void telemetry(InboundTopic inbound, String topic, byte[] payload) {
    ingest.submit(Transport.MQTT, 1, () -> {
      List<TelemetryReport> reports = TelemetryBatch.parse(WireFormat.JSON, payload);
      return inbound.kind() == MqttTopics.Inbound.TELEMETRY ? ownReports(inbound.clientId(), reports) : reports;
    }).ifPresent(accepted -> accepted.onFailure(failure -> refuse(inbound, topic, payload, failure)));
  }

  private void onRequest(InboundTopic inbound, String topic, byte[] payload) {
    Future<?> handled;
    try {
      handled = switch (inbound.kind()) {
        case ATTACH -> attach(inbound.clientId(), payload);
        case CALL -> call(inbound.clientId(), payload);
        case TELEMETRY, BATCH -> throw new IllegalStateException("telemetry is not a request");
      };
    } catch (InvalidPayloadException | RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    handled.onFailure(failure -> refuse(inbound, topic, payload, failure));
  }

  /**
   * On a secured broker the topic's client is the publisher's login (the ACL sees to that), so a
   * report about anyone else must come on the batch topic, which only gateways may publish: the
   * gateway rule CoAP enforces with PeerRules.
   */
  private List<TelemetryReport> ownReports(String publisher, List<TelemetryReport> reports) {
    if (config.credentials().isPresent()) {
      for (TelemetryReport report : reports) {
        if (!report.clientId().equals(publisher)) {
          throw new ForbiddenException(publisher + " may not report for client '" + report.clientId()
              + "': only a gateway may, on its batch topic");
        }
      }
    }
    return reports;
  }

  private Future<Void> attach(String clientId, byte[] payload) throws InvalidPayloadException {
    AttachRequest request = AttachRequest.parse(Buffer.buffer(payload));
    if (!request.clientId().equals(clientId)) {
      throw new InvalidPayloadException(Kind.INVALID, "clientId '" + request.clientId() + "' does not match the topic's '"
          + clientId + "'");
    }
    return attachments.attach(request).compose(assignment -> link.publish(Outbound.REDIRECT.topic(clientId),
        guard.seal(assignment).toBuffer().getBytes(), true));
  }

  private Future<Void> call(String clientId, byte[] payload) throws InvalidPayloadException {
    CallEnvelope call = CallEnvelope.parse(Buffer.buffer(payload));
    return router.routeFromClient(clientId, call).compose(reply -> link.publish(Outbound.RESULT.topic(clientId),
        reply.toBuffer().getBytes(), false));
  }

  /** The client's error topic gets what CoAP would have answered: code, reason, and what it was about. */
  private void refuse(InboundTopic inbound, String topic, byte[] payload, Throwable failure) {
    int status = Failures.status(failure);
    JsonObject error = new JsonObject()
        .put("code", Failures.coapCode(status))
        .put("reason", Failures.reason(failure))
        .put("topic", topic)
        .put("site", config.siteId());
    requestId(inbound, payload).ifPresent(id -> error.put("requestId", id));
    link.publish(Outbound.ERROR.topic(inbound.clientId()), error.toBuffer().getBytes(), false)
        .onFailure(e -> LOG.warn("cannot publish an error for {}: {}", inbound.clientId(), e.getMessage()));
  }

  /** The request id of a call, when it can be read: lets the client match the error to its call. */
  private static Optional<String> requestId(InboundTopic inbound, byte[] payload) {
    if (inbound.kind() != MqttTopics.Inbound.CALL) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(new JsonObject(Buffer.buffer(payload)).getString("requestId"));
    } catch (RuntimeException unreadable) {
      return Optional.empty();
    }
  }
}
