package io.baton.broker.control;

import io.baton.broker.HandoffBrokerVerticle;
import io.baton.broker.journal.JournalEntry;
import io.baton.protocol.Addresses;
import io.baton.protocol.Addresses.AgentCommand;
import io.baton.protocol.directory.ClientDirectory;
import io.baton.protocol.directory.ClientRecord;
import io.baton.protocol.directory.SiteDirectory;
import io.baton.protocol.event.NodeLoad;
import io.baton.protocol.event.TelemetryReportedBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What an operator can do, whatever the transport (REST or gRPC): register and list nodes and
 * profiles, deploy a client's service on a node, move it by hand, and read the handoffs with their
 * step timings. Every change is checked first and refused whole with a reason; every change is
 * published on the bus, so every broker's dashboard sees it.
 */
public final class ControlService {
  public static final String NODES_MAP = "baton.nodes";
  public static final String PROFILES_MAP = "baton.profiles";
  public static final String DEPLOYMENTS_MAP = "baton.deployments";
  /** Published on every registration or deployment: {"kind": "node"|"profile"|"deployment", "record": {...}}. */
  public static final String CHANGED = "baton.control.changed";

  private final Vertx vertx;
  private final HandoffBrokerVerticle broker;
  private final LoadBoard loads;
  private final JsonRegistry nodes;
  private final JsonRegistry profiles;
  private final JsonRegistry deployments;
  private final ClientDirectory clients;
  private final SiteDirectory sites;
  private final ClientSightings sightings = new ClientSightings();

  public ControlService(Vertx vertx, HandoffBrokerVerticle broker, LoadBoard loads) {
    this.vertx = vertx;
    this.broker = broker;
    this.loads = loads;
    this.nodes = new JsonRegistry(vertx, NODES_MAP);
    this.profiles = new JsonRegistry(vertx, PROFILES_MAP);
    this.deployments = new JsonRegistry(vertx, DEPLOYMENTS_MAP);
    this.clients = new ClientDirectory(vertx);
    this.sites = new SiteDirectory(vertx);
  }

  /** Starts listening to node loads and telemetry. */
  public Future<Void> start() {
    return Future.all(
        vertx.eventBus().<NodeLoad>consumer(Addresses.NODE_LOAD, m -> loads.record(m.body())).completion(),
        vertx.eventBus().<TelemetryReportedBatch>consumer(Addresses.TELEMETRY_REPORTED,
            m -> m.body().reports().forEach(sightings::record)).completion())
        .mapEmpty();
  }

  public LoadBoard loads() {
    return loads;
  }

  public Future<NodeInfo> registerNode(JsonObject request) {
    NodeInfo node = NodeInfo.fromJson(request);
    return nodes.put(node.name(), node.toJson()).map(v -> changed("node", node.toJson(), node));
  }

  /** Every registered node, with its live load, colour (green, red or unknown) and whether an agent serves there. */
  public Future<JsonArray> nodes() {
    return nodes.all().compose(registered -> sites.all().map(running -> {
      JsonArray out = new JsonArray();
      long now = System.currentTimeMillis();
      registered.forEach(node -> {
        JsonObject view = node.copy().put("agent", running.containsKey(node.getString("name")));
        loads.current(node.getString("name"), now).ifPresentOrElse(
            load -> view.put("load", load.toJson()).put("status", loads.overloaded(load) ? "red" : "green"),
            () -> view.put("status", "unknown"));
        out.add(view);
      });
      return out;
    }));
  }

  public Future<AppProfile> registerProfile(JsonObject request) {
    AppProfile profile = AppProfile.fromJson(request);
    return profiles.put(profile.name(), profile.toJson()).map(v -> changed("profile", profile.toJson(), profile));
  }

  public Future<JsonArray> profiles() {
    return profiles.all().map(JsonArray::new);
  }

  /** Deploys the client's service on the node (an agent's site), under a registered profile. */
  public Future<JsonObject> deploy(JsonObject request) {
    Deployment deployment = Deployment.fromJson(request);
    return profiles.get(deployment.profile())
        .compose(profile -> profile != null ? sites.lookup(deployment.node()).recover(unknown -> Future.failedFuture(
                new BadRequestException("node '" + deployment.node() + "' runs no agent")))
            : Future.failedFuture(new BadRequestException("no profile named '" + deployment.profile() + "'")))
        .compose(site -> vertx.eventBus().<JsonObject>request(AgentCommand.DEPLOY.address(deployment.node()),
                new JsonObject().put("clientId", deployment.clientId()).put("service", deployment.service()),
                new DeliveryOptions().setSendTimeout(10_000))
            .map(io.vertx.core.eventbus.Message::body)
            .recover(failure -> Future.failedFuture(failure instanceof ReplyException reply
                && reply.failureCode() >= 400 && reply.failureCode() < 500 ? new BadRequestException(reply.getMessage()) : failure)))
        .compose(assigned -> {
          if (!assigned.getString("site").equals(deployment.node())) {
            return Future.failedFuture(new BadRequestException(409, "client '" + deployment.clientId()
                + "' already has its service at " + assigned.getString("site")));
          }
          JsonObject record = deployment.toJson().put("assignment", assigned);
          return deployments.put(deployment.clientId(), deployment.toJson()).map(v -> changed("deployment", record, record));
        });
  }

  /** Every client's service: where it runs, under which epoch and profile, and its last telemetry. */
  public Future<JsonArray> services() {
    return clients.all().compose(records -> deployments.all().map(deployed -> {
      JsonObject byClient = new JsonObject();
      deployed.forEach(d -> byClient.put(d.getString("clientId"), d));
      JsonArray out = new JsonArray();
      records.values().forEach(record -> out.add(view(record, byClient.getJsonObject(record.clientId()))));
      return out;
    }));
  }

  private JsonObject view(ClientRecord record, JsonObject deployment) {
    JsonObject view = new JsonObject().put("clientId", record.clientId()).put("service", record.serviceKind())
        .put("site", record.site()).put("epoch", record.epoch()).put("inHandoff", record.inHandoff());
    if (deployment != null) {
      view.put("profile", deployment.getString("profile")).put("stateful", deployment.getBoolean("stateful"));
    }
    JsonObject seen = sightings.of(record.clientId());
    return seen == null ? view : view.put("telemetry", seen);
  }

  /** The profile a client's service was deployed under, if an operator deployed it. */
  public Future<AppProfile> profileOf(String clientId) {
    return deployments.get(clientId).compose(d -> d == null ? Future.succeededFuture(null) : profiles.get(d.getString("profile")))
        .map(json -> json == null ? null : AppProfile.fromJson(json));
  }

  public Future<java.util.List<NodeInfo>> nodeList() {
    return nodes.all().map(all -> all.stream().map(NodeInfo::fromJson).toList());
  }

  /**
   * Starts a handoff by hand; answers once it is under way (its progress and outcome are on the
   * bus and in the journal). Refused if the client is unknown, moving already, or at the target.
   */
  public Future<JsonObject> migrate(JsonObject request) {
    MigrationRequest parsed = MigrationRequest.fromJson(request);
    String clientId = parsed.clientId();
    String target = parsed.target();
    String technique = parsed.technique().orElse(null);
    return clients.find(clientId)
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.failedFuture(new BadRequestException(404, "no client '" + clientId + "'"));
          }
          if (found.get().inHandoff()) {
            return Future.failedFuture(new BadRequestException(409, "client '" + clientId + "' is in a handoff already"));
          }
          if (found.get().site().equals(target)) {
            return Future.failedFuture(new BadRequestException(409, "client '" + clientId + "' is served by " + target + " already"));
          }
          return sites.lookup(target).recover(unknown -> Future.failedFuture(
              new BadRequestException("node '" + target + "' runs no agent"))).map(found.get());
        })
        .compose(record -> deployments.get(clientId).map(d -> {
          String chosen = technique != null ? technique : d != null && !d.getBoolean("stateful", true) ? "cold" : null;
          (chosen == null ? broker.handOff(clientId, target, "manual") : broker.handOff(clientId, target, chosen, "manual"))
              .onFailure(failure -> { });
          return new JsonObject().put("clientId", clientId).put("from", record.site()).put("target", target)
              .put("status", "started");
        }));
  }

  /** Every journaled handoff, newest first, with its per-step timings and outcome. */
  public Future<JsonArray> handoffs() {
    return broker.journal().entries().map(entries -> {
      JsonArray out = new JsonArray();
      entries.stream().map(JournalEntry::toJson).forEach(out::add);
      return out;
    });
  }

  private <T> T changed(String kind, JsonObject record, T result) {
    vertx.eventBus().publish(CHANGED, new JsonObject().put("kind", kind).put("record", record));
    return result;
  }
}
