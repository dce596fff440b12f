package io.baton.broker.control;

import io.baton.protocol.grpc.control.ControlGrpcService;
import io.baton.protocol.grpc.control.Deployed;
import io.baton.protocol.grpc.control.Deployment;
import io.baton.protocol.grpc.control.Event;
import io.baton.protocol.grpc.control.Handoff;
import io.baton.protocol.grpc.control.HandoffList;
import io.baton.protocol.grpc.control.Migration;
import io.baton.protocol.grpc.control.MigrationStarted;
import io.baton.protocol.grpc.control.Node;
import io.baton.protocol.grpc.control.NodeList;
import io.baton.protocol.grpc.control.Profile;
import io.baton.protocol.grpc.control.ProfileList;
import io.baton.protocol.grpc.control.Step;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.function.Function;

/**
 * The control API over gRPC ({@code control.proto}): the same {@link ControlService} operations as
 * REST, the same operator token (metadata {@code authorization: Bearer <token>}), and the same
 * event stream as a server stream. Messages are mapped to the JSON the service checks, so both
 * transports refuse exactly the same requests for the same reasons.
 */
public final class GrpcControl {
  private GrpcControl() {
  }

  public static GrpcServer server(Vertx vertx, ControlService control, EventStream events, String token) {
    BearerAuth auth = new BearerAuth(token);
    GrpcServer server = GrpcServer.server(vertx);
    unary(server, auth, ControlGrpcService.RegisterNode, node -> control.registerNode(json(node)).map(GrpcControl::node));
    unary(server, auth, ControlGrpcService.ListNodes, all -> control.nodes().map(nodes -> {
      NodeList.Builder list = NodeList.newBuilder();
      nodes.forEach(n -> list.addNodes(view((JsonObject) n)));
      return list.build();
    }));
    unary(server, auth, ControlGrpcService.RegisterProfile, p -> control.registerProfile(json(p)).map(GrpcControl::profile));
    unary(server, auth, ControlGrpcService.ListProfiles, all -> control.profiles().map(profiles -> {
      ProfileList.Builder list = ProfileList.newBuilder();
      profiles.forEach(p -> list.addProfiles(profile(AppProfile.fromJson((JsonObject) p))));
      return list.build();
    }));
    unary(server, auth, ControlGrpcService.Deploy, d -> control.deploy(json(d)).map(record -> {
      JsonObject assignment = record.getJsonObject("assignment");
      return Deployed.newBuilder().setClientId(assignment.getString("clientId")).setSite(assignment.getString("site"))
          .setEpoch(assignment.getLong("epoch")).build();
    }));
    unary(server, auth, ControlGrpcService.Migrate, m -> control.migrate(json(m)).map(started -> MigrationStarted.newBuilder()
        .setClientId(started.getString("clientId")).setFrom(started.getString("from")).setTarget(started.getString("target")).build()));
    unary(server, auth, ControlGrpcService.ListHandoffs, all -> control.handoffs().map(entries -> {
      HandoffList.Builder list = HandoffList.newBuilder();
      entries.forEach(e -> list.addHandoffs(handoff((JsonObject) e)));
      return list.build();
    }));
    server.callHandler(ControlGrpcService.Subscribe, request -> {
      GrpcServerResponse<?, Event> response = request.response();
      if (!authorized(auth, request.headers())) {
        refuse(response, new BadRequestException(401, "this API needs the operator token: authorization: Bearer <token>"));
        return;
      }
      Runnable[] unsubscribe = {() -> { }};
      unsubscribe[0] = events.subscribe(event -> {
        if (response.writeQueueFull()) {
          return;
        }
        response.write(Event.newBuilder().setName(event.name()).setJson(event.data().encode()).build())
            .onFailure(gone -> unsubscribe[0].run());
      });
      request.exceptionHandler(cancelled -> unsubscribe[0].run());
      response.exceptionHandler(cancelled -> unsubscribe[0].run());
      request.handler(ignored -> { });
      response.writeHead();
    });
    return server;
  }

  private static <Req, Resp> void unary(GrpcServer server, BearerAuth auth, ServiceMethod<Req, Resp> method,
      Function<Req, Future<Resp>> action) {
    server.callHandler(method, request -> {
      if (!authorized(auth, request.headers())) {
        refuse(request.response(), new BadRequestException(401, "this API needs the operator token: authorization: Bearer <token>"));
        return;
      }
      request.last()
          .compose(message -> {
            try {
              return action.apply(message);
            } catch (BadRequestException refused) {
              return Future.failedFuture(refused);
            }
          })
          .onComplete(reply -> request.response().end(reply), failure -> refuse(request.response(), failure));
    });
  }

  private static boolean authorized(BearerAuth auth, MultiMap headers) {
    String header = headers.get("authorization");
    return header != null && header.startsWith("Bearer ") && auth.matches(header.substring(7).trim());
  }

  private static void refuse(GrpcServerResponse<?, ?> response, Throwable failure) {
    GrpcStatus status = GrpcStatus.UNAVAILABLE;
    if (failure instanceof BadRequestException bad) {
      status = switch (bad.status()) {
        case 401 -> GrpcStatus.UNAUTHENTICATED;
        case 404 -> GrpcStatus.NOT_FOUND;
        case 409 -> GrpcStatus.FAILED_PRECONDITION;
        default -> GrpcStatus.INVALID_ARGUMENT;
      };
    }
    response.status(status).statusMessage(failure.getMessage()).end();
  }

  private static JsonObject json(Node node) {
    return new JsonObject().put("name", node.getName()).put("endpoint", node.getEndpoint()).put("role", node.getRole())
        .put("network", node.getNetwork());
  }

  private static JsonObject json(Profile profile) {
    return new JsonObject().put("name", profile.getName()).put("cpuPercent", profile.getCpuPercent())
        .put("gpuPercent", profile.getGpuPercent()).put("ramPercent", profile.getRamPercent());
  }

  private static JsonObject json(Deployment deployment) {
    return new JsonObject().put("clientId", deployment.getClientId()).put("service", deployment.getService())
        .put("node", deployment.getNode()).put("profile", deployment.getProfile()).put("stateful", !deployment.getStateless());
  }

  private static JsonObject json(Migration migration) {
    JsonObject json = new JsonObject().put("clientId", migration.getClientId()).put("target", migration.getTarget());
    return migration.getTechnique().isEmpty() ? json : json.put("technique", migration.getTechnique());
  }

  private static Node node(NodeInfo node) {
    return Node.newBuilder().setName(node.name()).setEndpoint(node.endpoint()).setRole(node.toJson().getString("role"))
        .setNetwork(node.network()).build();
  }

  private static Node view(JsonObject view) {
    Node.Builder node = node(NodeInfo.fromJson(view)).toBuilder().setStatus(view.getString("status"))
        .setAgent(view.getBoolean("agent", false)).setGpuPercent(-1);
    JsonObject load = view.getJsonObject("load");
    return load == null ? node.build() : node.setCpuPercent(load.getDouble("cpuPercent"))
        .setRamPercent(load.getDouble("ramPercent")).setGpuPercent(load.getDouble("gpuPercent")).build();
  }

  private static Profile profile(AppProfile profile) {
    return Profile.newBuilder().setName(profile.name()).setCpuPercent(profile.cpuPercent()).setGpuPercent(profile.gpuPercent())
        .setRamPercent(profile.ramPercent()).build();
  }

  private static Handoff handoff(JsonObject entry) {
    JsonObject request = entry.getJsonObject("request");
    Handoff.Builder handoff = Handoff.newBuilder().setHandoffId(entry.getString("handoffId"))
        .setClientId(request.getString("clientId")).setSourceSite(request.getString("sourceSite"))
        .setTargetSite(request.getString("targetSite")).setTechnique(request.getString("technique"))
        .setStatus(entry.getString("status")).setOwner(entry.getString("ownerName")).setTakeovers(entry.getInteger("takeovers"))
        .setOutcomeJson(entry.getJsonObject("outcome").encode());
    entry.getJsonArray("steps").forEach(s -> {
      JsonObject step = (JsonObject) s;
      handoff.addSteps(Step.newBuilder().setName(step.getString("step")).setStartedAtMs(step.getLong("startedAtMs"))
          .setDurationMs(step.getLong("durationMs")).setBroker(step.getString("broker")));
    });
    return handoff.build();
  }
}
