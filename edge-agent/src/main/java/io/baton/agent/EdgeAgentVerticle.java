package io.baton.agent;

import io.baton.agent.clients.AnnouncedAssignments;
import io.baton.agent.clients.ClientAttachments;
import io.baton.agent.clients.DeployCommand;
import io.baton.agent.node.InstanceQuery;
import io.baton.agent.node.LoadReporter;
import io.baton.agent.clients.ClientGuard;
import io.baton.agent.clients.ServiceCallRouter;
import io.baton.agent.clients.ClientView;
import io.baton.agent.clients.TelemetryAdmission;
import io.baton.agent.clients.TelemetryContext;
import io.baton.agent.clients.TelemetryIngest;
import io.baton.agent.clients.TelemetryIntakeReporter;
import io.baton.agent.coap.AgentCoapServer;
import io.baton.agent.handoff.HandoffParticipant;
import io.baton.agent.handoff.PrestageParticipant;
import io.baton.agent.mqtt.EmbeddedMqttBroker;
import io.baton.agent.mqtt.MqttClientFace;
import io.baton.agent.runtime.HandoffStrategy;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.SiteRuntime;
import io.baton.agent.transfer.ChunkStore;
import io.baton.agent.transfer.LinkFaults;
import io.baton.agent.transfer.TransferPlane;
import io.baton.protocol.Addresses;
import io.baton.protocol.codec.EventCodecs;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecordFeed;
import io.baton.protocol.directory.DrainingSites;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.directory.SiteInfo;
import io.baton.protocol.event.ClientRedirected;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.HandoffHint;
import java.util.Optional;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site's agent. It wires the pieces and owns their life cycle: the transfer endpoint, the
 * CoAP server, the MQTT face (and the broker it embeds, if it does), the handoff commands on the
 * bus, and the site's entry in the directory (added last, removed first, so nobody is sent to a
 * half-started or half-stopped site).
 */
public final class EdgeAgentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeAgentVerticle.class);
  private final AgentConfig config;
  private final SiteRuntime siteRuntime;
  private final ServiceRuntime runtime;
  private final long chunkStoreBytes;
  private final ClientRecordFeed clientFeed;
  private final TelemetryAdmission admission;
  private SiteDirectory sites;
  private ClientView clientView;
  private TelemetryIntakeReporter intakeReporter;
  private HandoffParticipant participant;
  private DeployCommand deployCommand;
  private LoadReporter loadReporter;
  private MessageConsumer<JsonObject> instanceQuery;
  private PrestageParticipant prestaging;
  private HandoffStrategy strategy;
  private AgentCoapServer coap;
  /** Assignments announced by redirects, passed on to clients without a directory read. */
  private final AnnouncedAssignments announcements = new AnnouncedAssignments();
  private EmbeddedMqttBroker mqttBroker;
  private MqttClientFace mqtt;
  private TransferPlane plane;

  public EdgeAgentVerticle(AgentConfig config, SiteRuntime runtime) {
    this(config, runtime, ChunkStore.DEFAULT_BUDGET_BYTES);
  }

  /** {@code chunkStoreBytes}: what this site may hold of states in transit (a handoff that needs more is refused). */
  public EdgeAgentVerticle(AgentConfig config, SiteRuntime runtime, long chunkStoreBytes) {
    this(config, runtime, chunkStoreBytes, ClientRecordFeed.NONE);
  }

  /**
   * {@code clientFeed}: the client directory's changes, which keep the view telemetry reads fresh
   * (the cluster member's entry listener); with {@link ClientRecordFeed#NONE} the view re-reads
   * what it holds every few seconds instead.
   */
  public EdgeAgentVerticle(AgentConfig config, SiteRuntime runtime, long chunkStoreBytes, ClientRecordFeed clientFeed) {
    this.config = config;
    this.siteRuntime = runtime;
    this.runtime = runtime.lifecycle();
    this.chunkStoreBytes = chunkStoreBytes;
    this.clientFeed = clientFeed;
    this.admission = new TelemetryAdmission(config.siteId(), TelemetryAdmission.DEFAULT_LIMIT);
  }

  /** The local view of the client directory that telemetry reads. */
  public ClientView clientView() {
    return clientView;
  }

  /** The site's telemetry admission: its bound and its accepted, refused and shed counts. */
  public TelemetryAdmission telemetryAdmission() {
    return admission;
  }

  public AgentConfig agentConfig() {
    return config;
  }

  public ServiceRuntime runtime() {
    return runtime;
  }

  /** The chunks this site holds; a benchmark clears it between runs. */
  public ChunkStore chunkStore() {
    return plane.chunkStore();
  }

  /** How this site's instances cross in the handoff saga (tests look into it). */
  public HandoffStrategy handoffStrategy() {
    return strategy;
  }

  /** The site's embedded MQTT broker, if it runs one (tests watch who connects). */
  public Optional<EmbeddedMqttBroker> mqttBroker() {
    return Optional.ofNullable(mqttBroker);
  }

  /** The site's CoAP face (tests watch what reaches it). */
  public AgentCoapServer coapServer() {
    return coap;
  }

  /** Faults to inject on this site's outgoing links (tests, fault-injection runs). */
  public LinkFaults linkFaults() {
    return plane.links().faults();
  }

  @Override
  public Future<?> start() {
    EventCodecs.registerAll(vertx.eventBus());
    sites = new SiteDirectory(vertx);
    // Building the TLS and DTLS contexts of the plane and the faces takes seconds on a loaded
    // machine: that runs on a worker (whose current context is still this verticle's, so what
    // wire() registers is delivered here), and the event loop keeps serving the member meanwhile.
    return vertx.executeBlocking(() -> new TransferPlane(vertx, config, chunkStoreBytes))
        .compose(built -> {
          plane = built;
          return siteRuntime.handoffStrategy(plane);
        })
        .compose(built -> {
          strategy = built;
          return vertx.executeBlocking(() -> {
            wire();
            return null;
          });
        })
        .compose(v -> clientView.start(clientFeed))
        .compose(v -> plane.start())
        .compose(v -> vertx.executeBlocking(() -> {
          coap.start();
          return null;
        }))
        .compose(v -> startMqtt())
        .compose(v -> participant.register())
        .compose(v -> deployCommand.register())
        .compose(v -> {
          instanceQuery = InstanceQuery.serve(vertx, config.siteId(), runtime);
          return instanceQuery.completion();
        })
        .compose(v -> prestaging.register())
        // A site that drained before it last stopped takes handoffs again.
        .compose(v -> new DrainingSites(vertx).clear(config.siteId()))
        .compose(v -> sites.register(new SiteInfo(config.siteId(), config.coapEndpoint(), config.mqttEndpoint(),
            config.host(), config.transferPort())))
        .onSuccess(v -> {
          loadReporter.start(LoadReporter.DEFAULT_PERIOD_MS);
          intakeReporter.start();
        });
  }

  /** Builds the site's pieces over the runtime's strategy; nothing listens yet. */
  private void wire() {
    ClientGuard guard = new ClientGuard(config.credentials());
    ServiceCallRouter router = new ServiceCallRouter(vertx, config.siteId(), runtime, guard);
    ClientAttachments attachments = new ClientAttachments(vertx, config, runtime);
    participant = new HandoffParticipant(vertx, config, runtime, strategy, router);
    deployCommand = new DeployCommand(vertx, config, attachments);
    loadReporter = new LoadReporter(vertx, config.siteId());
    prestaging = new PrestageParticipant(vertx, config, strategy);
    clientView = new ClientView(new ClientDirectory(vertx));
    TelemetryIngest ingest = new TelemetryIngest(vertx, config.siteId(), TelemetryContext.besides(vertx, context),
        clientView, admission);
    intakeReporter = new TelemetryIntakeReporter(vertx, config.siteId(), admission);
    coap = new AgentCoapServer(config, context, ingest, attachments, router, guard, announcements);
    if (config.mqtt().enabled()) {
      mqtt = new MqttClientFace(config, context, ingest, attachments, router, guard);
    }
    if (config.mqtt().mode() == MqttSettings.Mode.EMBEDDED) {
      mqttBroker = new EmbeddedMqttBroker(config.host(), config.mqtt().port(), config.credentials());
    }

    vertx.eventBus().<ClientRedirected>consumer(Addresses.CLIENT_REDIRECTED, message -> redirect(message.body()));
    vertx.eventBus().<HandoffRequested>consumer(Addresses.HANDOFF_REQUESTED, message -> hint(message.body()));
    vertx.eventBus().<HandoffAborted>consumer(Addresses.HANDOFF_ABORTED, message -> announcements.settled(message.body().clientId()));
  }

  /** The embedded broker first (if any), then the agent's own connection to whichever broker serves the site. */
  private Future<Void> startMqtt() {
    if (mqtt == null) {
      return Future.succeededFuture();
    }
    Future<Void> broker = mqttBroker == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      mqttBroker.start();
      return null;
    });
    return broker.compose(v -> mqtt.start());
  }

  /**
   * Every agent tells the client, on every face: the client may still be talking to any site, and
   * with embedded brokers the one it is connected to is not necessarily the new site's.
   */
  private void redirect(ClientRedirected redirected) {
    Optional<Assignment> whole = redirected.assignment();
    if (whole.isPresent() && !announcements.announce(whole.get())) {
      return; // already passed on (a broker that took the handoff over announces it again)
    }
    if (whole.isEmpty()) {
      announcements.forget(redirected.clientId());
    }
    coap.handoffResource().notifyClient(redirected.clientId());
    if (mqtt != null) {
      (whole.isPresent() ? mqtt.redirect(whole.get()) : mqtt.redirect(redirected.clientId()))
          .onFailure(e -> LOG.warn("cannot publish the redirect of {}: {}", redirected.clientId(), e.getMessage()));
    }
  }

  /**
   * A handoff of a client served here started: tells the client where to, so it connects there
   * while the state moves rather than after the redirect (its observers get the hint now).
   */
  private void hint(HandoffRequested request) {
    if (!request.sourceSite().equals(config.siteId())) {
      return;
    }
    sites.lookup(request.targetSite()).onSuccess(target -> {
      HandoffHint next = new HandoffHint(target.siteId(), target.coapEndpoint(), target.mqttEndpoint());
      announcements.expect(request.clientId(), request.epoch(), next);
      coap.handoffResource().notifyClient(request.clientId());
      if (mqtt != null && announcements.hint(request.clientId()).isPresent()) {
        mqtt.hint(request.clientId(), next).onFailure(e -> LOG.debug("no hint for {}: {}", request.clientId(), e.getMessage()));
      }
    });
  }

  @Override
  public Future<?> stop() {
    return sites.unregister(config.siteId())
        .eventually(() -> {
          loadReporter.stop();
          intakeReporter.stop();
          return deployCommand.unregister();
        })
        .eventually(() -> participant.unregister())
        .eventually(() -> instanceQuery == null ? Future.succeededFuture() : instanceQuery.unregister())
        .eventually(() -> prestaging.unregister())
        .eventually(() -> mqtt == null ? Future.succeededFuture() : mqtt.stop())
        .eventually(() -> vertx.executeBlocking(() -> {
          coap.stop();
          if (mqttBroker != null) {
            mqttBroker.stop();
          }
          return null;
        }))
        .eventually(() -> plane.stop())
        .eventually(() -> siteRuntime.stop())
        .eventually(() -> {
          clientView.stop();
          return Future.succeededFuture();
        });
  }
}
