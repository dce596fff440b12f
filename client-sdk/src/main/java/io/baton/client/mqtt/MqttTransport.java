package io.baton.client.mqtt;

import io.baton.client.BatonException;
import io.baton.client.spi.AssignmentVerifier;
import io.baton.client.spi.CallOutcome;
import io.baton.client.spi.ClientTransport;
import io.baton.protocol.MqttTopics;
import io.baton.protocol.MqttTopics.Inbound;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.wire.AttachRequest;
import io.baton.protocol.wire.CallEnvelope;
import io.baton.protocol.wire.HandoffHint;
import io.baton.protocol.wire.InvalidPayloadException;
import io.baton.protocol.wire.TelemetryBatch;
import io.baton.protocol.wire.TelemetryReport;
import io.baton.protocol.wire.WireFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client over MQTT (3.1.1 or 5). It keeps one session, to the broker of the site that serves it,
 * subscribed to the client's own topics ({@code baton/client/{id}/+}), and talks to the site by
 * publishing on the site's topics. A call is a message on {@code .../call}; its answer comes back on
 * the client's result topic, matched by request id (the correlation MQTT 3.1.1 has no header for).
 * When a redirect names another broker, the session moves there; when it names the same broker
 * (agents sharing one), only the topics change.
 */
public final class MqttTransport implements ClientTransport {
  private final String clientId;
  private final MqttSession.Factory sessions;
  private final Optional<MqttLogin> login;
  private final String serviceToken;
  private final AssignmentVerifier verifier;
  private final Map<String, CompletableFuture<CallOutcome>> pendingCalls = new ConcurrentHashMap<>();
  private final List<CompletableFuture<Assignment>> pendingAttaches = new CopyOnWriteArrayList<>();
  private final List<Consumer<RemoteError>> errorListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();
  private volatile Consumer<Assignment> assignments = a -> { };
  private MqttSession session;
  private CompletableFuture<MqttSession> opening;
  /** A session opened ahead of a redirect to the broker a handoff hint named; null if none. */
  private MqttSession standby;
  private CompletableFuture<MqttSession> standbyOpening;

  /** With credentials: TLS and the client's login, the service token in every call, only MAC-verified redirects. */
  public MqttTransport(String clientId, MqttVersion version, Optional<ClientCredentials> credentials,
      AssignmentVerifier verifier) {
    this.clientId = clientId;
    this.sessions = MqttSession.Factory.of(version);
    this.login = credentials.map(MqttLogin::of);
    this.serviceToken = credentials.map(own -> own.secrets().serviceToken()).orElse("");
    this.verifier = verifier;
  }

  @Override
  public CompletableFuture<Assignment> attach(Assignment at, AttachRequest request, Duration timeout) {
    CompletableFuture<Assignment> answer = new CompletableFuture<>();
    return session(at).thenCompose(s -> {
      pendingAttaches.add(answer);
      return s.publish(Inbound.ATTACH.topic(at.site(), clientId), WireFormat.JSON.encode(request.toJson()), false);
    }).thenCompose(v -> answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS))
        .whenComplete((a, e) -> pendingAttaches.remove(answer));
  }

  @Override
  public CompletableFuture<Void> report(Assignment at, String senderId, List<TelemetryReport> reports, Duration timeout) {
    Object body = reports.size() == 1 ? reports.get(0).toJson() : TelemetryBatch.toJson(reports);
    // Reports about others go on the batch topic, which only a gateway's login may publish.
    Inbound kind = reports.stream().allMatch(r -> r.clientId().equals(senderId)) ? Inbound.TELEMETRY : Inbound.BATCH;
    return session(at).thenCompose(s -> s.publish(kind.topic(at.site(), senderId), WireFormat.JSON.encode(body), false))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletableFuture<CallOutcome> call(Assignment at, String clientId, String requestId, JsonObject request,
      Duration timeout) {
    CompletableFuture<CallOutcome> outcome = new CompletableFuture<>();
    pendingCalls.put(requestId, outcome);
    byte[] body = WireFormat.JSON.encode(CallEnvelope.encode(requestId, request, serviceToken));
    session(at).thenCompose(s -> s.publish(Inbound.CALL.topic(at.site(), clientId), body, false))
        .whenComplete((v, failure) -> {
          if (failure != null) {
            outcome.complete(new CallOutcome.Unavailable(false, "cannot publish: " + failure.getMessage()));
          }
        });
    return outcome.completeOnTimeout(new CallOutcome.Unavailable(false, "no answer within " + timeout.toMillis() + " ms"),
            timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((o, e) -> pendingCalls.remove(requestId, outcome));
  }

  @Override
  public void follow(Assignment at, String clientId, Consumer<Assignment> assignments) {
    this.assignments = assignments;
    session(at);
  }

  @Override
  public void onError(Consumer<RemoteError> errors) {
    errorListeners.add(errors);
  }

  @Override
  public void onReconnect(Runnable reconnected) {
    reconnectListeners.add(reconnected);
  }

  /** The session to the broker {@code at} names: the current one, or a new one that replaces it once open. */
  private synchronized CompletableFuture<MqttSession> session(Assignment at) {
    String broker = at.mqttEndpoint();
    if (broker.isEmpty()) {
      return CompletableFuture.failedFuture(new BatonException("no-mqtt", "site " + at.site() + " has no MQTT endpoint"));
    }
    if (login.isPresent() && !broker.startsWith("ssl://")) {
      return CompletableFuture.failedFuture(new BatonException("insecure", "the MQTT login needs TLS: " + broker
          + " is not ssl://, and the password would cross the network in clear text"));
    }
    if (session != null && session.brokerUri().equals(broker) && !opening.isCompletedExceptionally()) {
      return opening;
    }
    MqttSession previous = session;
    if (standby != null && standby.brokerUri().equals(broker) && !standbyOpening.isCompletedExceptionally()) {
      // Opened ahead on the handoff's hint: the redirect finds the connection there already.
      session = standby;
      opening = standbyOpening;
      standby = null;
      standbyOpening = null;
    } else {
      if (standby != null && standby.brokerUri().equals(broker)) {
        standby = null; // its connection failed (and closed it): start over
        standbyOpening = null;
      }
      session = create(broker);
      opening = open(session);
    }
    if (previous != null) {
      // Not on this thread: a Paho disconnect may wait, and the first call at the new site waits on the new session.
      opening.thenAccept(opened -> CompletableFuture.runAsync(previous::close));
    }
    return opening;
  }

  /**
   * A handoff of the client toward another broker is under way: connects and subscribes there now,
   * so the redirect does not wait for the TLS handshake, the login and the subscription. Calls keep
   * going through the current session until the redirect.
   */
  private synchronized void prepare(HandoffHint next) {
    String broker = next.mqttEndpoint();
    if (broker.isEmpty() || session == null || session.brokerUri().equals(broker)
        || (standby != null && standby.brokerUri().equals(broker))
        || (login.isPresent() && !broker.startsWith("ssl://"))) {
      return;
    }
    if (standby != null) {
      MqttSession dropped = standby;
      CompletableFuture.runAsync(dropped::close);
    }
    standby = create(broker);
    standbyOpening = open(standby);
  }

  private MqttSession create(String broker) {
    return sessions.create(broker, "baton-" + clientId, login, MqttTopics.clientFilter(clientId), new MqttSession.Listener() {
      @Override
      public void message(String topic, byte[] payload, boolean retained) {
        onMessage(topic, payload, retained);
      }

      @Override
      public void reconnected() {
        reconnectListeners.forEach(Runnable::run);
      }
    });
  }

  private static CompletableFuture<MqttSession> open(MqttSession next) {
    return next.open().handle((v, failure) -> {
      if (failure != null) {
        next.close();
        throw new BatonException("unreachable", "cannot connect to " + next.brokerUri() + ": " + failure.getMessage());
      }
      return next;
    });
  }

  private void onMessage(String topic, byte[] payload, boolean retained) {
    MqttTopics.parseOutbound(clientId, topic).ifPresent(kind -> {
      JsonObject json;
      try {
        json = new JsonObject(Buffer.buffer(payload));
      } catch (RuntimeException unreadable) {
        return;
      }
      switch (kind) {
        case REDIRECT -> {
          Optional<Assignment> verified = verifier.verify(payload);
          if (verified.isEmpty()) {
            return; // not an assignment, or not the mesh's: ignored, the session and the client stay as they are
          }
          Assignment assignment = verified.get();
          if (!retained) {
            // A live assignment answers the attach in flight; a retained one is older news.
            pendingAttaches.forEach(pending -> pending.complete(assignment));
          }
          assignments.accept(assignment);
          hint(payload).ifPresent(this::prepare);
        }
        case RESULT -> {
          CompletableFuture<CallOutcome> pending = pendingCalls.get(json.getString("requestId", ""));
          if (pending != null) {
            pending.complete(new CallOutcome.Answered(json));
          }
        }
        case ERROR -> onError(json);
      }
    });
  }

  /** The handoff hint next to a verified assignment; a malformed one only costs the head start. */
  private static Optional<HandoffHint> hint(byte[] payload) {
    try {
      return HandoffHint.in(Buffer.buffer(payload));
    } catch (InvalidPayloadException malformed) {
      return Optional.empty();
    }
  }

  private void onError(JsonObject error) {
    String code = error.getString("code", "5.00");
    String reason = error.getString("reason", "");
    CompletableFuture<CallOutcome> pending = pendingCalls.get(error.getString("requestId", ""));
    if (pending != null) {
      pending.complete(code.equals("5.03") ? new CallOutcome.Unavailable(true, reason) : new CallOutcome.Refused(code, reason));
      return;
    }
    String about = error.getString("topic", "");
    if (about.endsWith("/" + Inbound.ATTACH.name().toLowerCase())) {
      pendingAttaches.forEach(attach -> attach.completeExceptionally(new BatonException(code, reason)));
    }
    RemoteError remote = new RemoteError(code, reason, about);
    errorListeners.forEach(listener -> listener.accept(remote));
  }

  @Override
  public synchronized void close() {
    if (standby != null) {
      standby.close();
      standby = null;
      standbyOpening = null;
    }
    if (session != null) {
      session.close();
      session = null;
      opening = null;
    }
  }
}
