package io.baton.broker.journal;

import io.baton.protocol.directory.SiteInfo;
import io.baton.protocol.event.HandoffRequested;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One handoff as the replicated journal holds it: the request (with its technique once chosen), the
 * target's endpoints, which broker owns it (its cluster node id: the lease), the last step done and
 * the timing of every step. A broker that takes over needs nothing else to finish or abort it.
 */
public record JournalEntry(HandoffRequested request, SiteInfo target, String sourceEndpoint, String ownerNode,
    String ownerName, Status status, String step, List<StepTiming> steps, JsonObject outcome, int takeovers) {

  /** RUNNING until the saga ends; only RUNNING entries are ever taken over. */
  public enum Status { RUNNING, COMPLETED, ABORTED }

  public JournalEntry {
    steps = List.copyOf(steps);
    outcome = outcome == null ? new JsonObject() : outcome.copy();
  }

  public static JournalEntry started(HandoffRequested request, SiteInfo target, String sourceEndpoint, String ownerNode,
      String ownerName) {
    return new JournalEntry(request, target, sourceEndpoint, ownerNode, ownerName, Status.RUNNING, "requested",
        List.of(), null, 0);
  }

  public String handoffId() {
    return request.handoffId();
  }

  public boolean running() {
    return status == Status.RUNNING;
  }

  /** This entry after {@code step} succeeded, which began at {@code startedAtMs}. */
  public JournalEntry after(String doneStep, long startedAtMs, HandoffRequested current) {
    List<StepTiming> next = new ArrayList<>(steps);
    next.add(new StepTiming(doneStep, startedAtMs, System.currentTimeMillis(), ownerName));
    return new JournalEntry(current, target, sourceEndpoint, ownerNode, ownerName, status, doneStep, next, outcome, takeovers);
  }

  /** This entry, owned from now on by another broker (the previous owner left the cluster). */
  public JournalEntry claimedBy(String node, String name) {
    List<StepTiming> next = new ArrayList<>(steps);
    long now = System.currentTimeMillis();
    next.add(new StepTiming("takeover", now, now, name));
    return new JournalEntry(request, target, sourceEndpoint, node, name, status, step, next, outcome, takeovers + 1);
  }

  public JournalEntry finished(Status end, JsonObject event) {
    List<StepTiming> next = new ArrayList<>(steps);
    long now = System.currentTimeMillis();
    String last = end.name().toLowerCase();
    next.add(new StepTiming(last, now, now, ownerName));
    return new JournalEntry(request, target, sourceEndpoint, ownerNode, ownerName, end, last, next, event, takeovers);
  }

  /** Fixed field order: the journal swaps entries by comparing their encoded form. */
  public String encode() {
    JsonArray timings = new JsonArray();
    steps.forEach(s -> timings.add(s.toJson()));
    return new JsonObject()
        .put("handoffId", request.handoffId())
        .put("status", status.name())
        .put("step", step)
        .put("ownerNode", ownerNode)
        .put("ownerName", ownerName)
        .put("takeovers", takeovers)
        .put("request", request.toJson())
        .put("target", target.toJson())
        .put("sourceEndpoint", sourceEndpoint)
        .put("steps", timings)
        .put("outcome", outcome)
        .encode();
  }

  public JsonObject toJson() {
    return new JsonObject(encode());
  }

  public static JournalEntry decode(String encoded) {
    JsonObject json = new JsonObject(encoded);
    List<StepTiming> timings = new ArrayList<>();
    json.getJsonArray("steps").forEach(s -> timings.add(StepTiming.fromJson((JsonObject) s)));
    return new JournalEntry(HandoffRequested.fromJson(json.getJsonObject("request")),
        SiteInfo.fromJson(json.getJsonObject("target")), json.getString("sourceEndpoint"), json.getString("ownerNode"),
        json.getString("ownerName"), Status.valueOf(json.getString("status")), json.getString("step"), timings,
        json.getJsonObject("outcome"), json.getInteger("takeovers"));
  }
}
