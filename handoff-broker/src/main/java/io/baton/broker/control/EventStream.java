package io.baton.broker.control;

import io.baton.broker.journal.HandoffJournal;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.BatonEvent;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.event.TelemetryReportedBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The events an operator can follow live, named by their kind: every step of every handoff, the
 * journal's entries as they change, node loads, registrations and deployments, and clients'
 * telemetry (at most one report per client a second, a map needs no more). Subscribers (SSE
 * responses, gRPC streams) get each event as a name and a JSON object.
 */
public final class EventStream {
  private static final long TELEMETRY_EVERY_MS = 1_000;
  private static final Map<String, String> NAMES = new LinkedHashMap<>();

  static {
    NAMES.put(Addresses.HANDOFF_REQUESTED, "handoff-requested");
    NAMES.put(Addresses.TARGET_PREPARED, "target-prepared");
    NAMES.put(Addresses.TECHNIQUE_CHOSEN, "technique-chosen");
    NAMES.put(Addresses.STATE_PRECOPIED, "state-precopied");
    NAMES.put(Addresses.SOURCE_FROZEN, "source-frozen");
    NAMES.put(Addresses.STATE_TRANSFERRED, "state-transferred");
    NAMES.put(Addresses.TARGET_RESTORED, "target-restored");
    NAMES.put(Addresses.CLIENT_REDIRECTED, "client-redirected");
    NAMES.put(Addresses.SOURCE_RELEASED, "source-released");
    NAMES.put(Addresses.HANDOFF_COMPLETED, "handoff-completed");
    NAMES.put(Addresses.HANDOFF_ABORTED, "handoff-aborted");
    NAMES.put(HandoffJournal.UPDATES, "journal");
    NAMES.put(Addresses.NODE_LOAD, "node-load");
    NAMES.put(ControlService.CHANGED, "changed");
    NAMES.put(Addresses.TELEMETRY_REPORTED, "telemetry");
    NAMES.put(io.baton.broker.placement.OverloadRescue.DECIDED, "placement");
  }

  /** One event as subscribers get it. */
  public record Event(String name, JsonObject data) {
  }

  private final Vertx vertx;
  private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
  private final Map<String, Long> lastTelemetry = new HashMap<>();

  public EventStream(Vertx vertx) {
    this.vertx = vertx;
  }

  public static List<String> names() {
    return new ArrayList<>(NAMES.values());
  }

  public Future<Void> start() {
    List<Future<Void>> registered = new ArrayList<>();
    NAMES.forEach((address, name) -> registered.add(vertx.eventBus().consumer(address, message -> {
      Object body = message.body();
      if (body instanceof TelemetryReportedBatch batch) {
        // one event per report, as subscribers have always had them
        batch.reports().stream().filter(this::telemetryDue).forEach(report -> emit(name, report.toJson()));
        return;
      }
      JsonObject data = body instanceof BatonEvent event ? event.toJson() : body instanceof JsonObject json ? json : null;
      if (data != null) {
        emit(name, data);
      }
    }).completion()));
    return Future.all(registered).mapEmpty();
  }

  private void emit(String name, JsonObject data) {
    Event event = new Event(name, data);
    subscribers.forEach(subscriber -> subscriber.accept(event));
  }

  private boolean telemetryDue(TelemetryReported report) {
    long now = System.currentTimeMillis();
    Long last = lastTelemetry.get(report.clientId());
    if (last != null && now - last < TELEMETRY_EVERY_MS) {
      return false;
    }
    if (lastTelemetry.size() > 10_000) {
      lastTelemetry.clear();
    }
    lastTelemetry.put(report.clientId(), now);
    return true;
  }

  /** Adds a subscriber; the returned action removes it. */
  public Runnable subscribe(Consumer<Event> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }
}
