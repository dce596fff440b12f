package io.baton.deploy.faults;

import io.baton.protocol.Addresses.AgentCommand;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Asks each site's agent over the bus what it holds of an instance, as an operator would. */
public final class SiteQuery {
  /** What a site that does not answer (its agent is dead) is reported as. */
  public static final String UNREACHABLE = "UNREACHABLE";

  private SiteQuery() {
  }

  /** Site id to LIVE, FROZEN, STAGED, ABSENT or UNREACHABLE. */
  public static Map<String, String> states(Vertx member, String instanceId, List<String> sites) throws InterruptedException {
    Map<String, String> states = new TreeMap<>();
    for (String site : sites) {
      try {
        Message<JsonObject> reply = member.eventBus().<JsonObject>request(AgentCommand.INSTANCE.address(site),
                new JsonObject().put("instanceId", instanceId), new DeliveryOptions().setSendTimeout(3_000))
            .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        states.put(site, reply.body().getString("state"));
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        states.put(site, UNREACHABLE);
      }
    }
    return states;
  }

  /** The expected answer: LIVE at {@code live}, every other named site ABSENT, the dead ones UNREACHABLE. */
  public static Map<String, String> liveOnlyAt(String live, List<String> sites, List<String> dead) {
    Map<String, String> expected = new TreeMap<>();
    sites.forEach(site -> expected.put(site, dead.contains(site) ? UNREACHABLE : site.equals(live) ? "LIVE" : "ABSENT"));
    return expected;
  }
}
