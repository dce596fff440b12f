package io.baton.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.baton.protocol.codec.EventCodecs;
import io.baton.protocol.codec.JsonEventCodec;
import io.baton.protocol.event.BatonEvent;
import io.baton.protocol.event.ClientRedirected;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.MigrationAssessed;
import io.baton.protocol.event.MigrationMetrics;
import io.baton.protocol.event.PagesCompleted;
import io.baton.protocol.event.StatePrecopied;
import io.baton.protocol.event.TechniqueChosen;
import io.baton.protocol.event.PrestageRequested;
import io.baton.protocol.event.Prestaged;
import io.baton.protocol.event.PrestageCancelled;
import io.baton.protocol.event.SourceFrozen;
import io.baton.protocol.event.SourceReleased;
import io.baton.protocol.event.StateTransferred;
import io.baton.protocol.event.TargetPrepared;
import io.baton.protocol.event.TargetRestored;
import io.baton.protocol.event.TelemetryReported;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventCodecsTest {

  static final List<BatonEvent> SAMPLES = List.of(
      new TelemetryReported("car-1", "site-a", "site-a", false, 1_700_000_000_123L, 12.5, -3.0, 25.0, 90.0,
          Map.of("site-a", -71.5, "site-b", -88.0)),
      new io.baton.protocol.event.TelemetryReportedBatch(List.of(
          new TelemetryReported("car-1", "site-a", "site-a", false, 1L, 1, 2, 3, 4, Map.of("site-a", -60.0)),
          new TelemetryReported("car-2", "site-a", "site-b", true, 2L, -1, -2, 0, 359.5, Map.of("site-b", -150.0)))),
      new io.baton.protocol.event.TelemetryIntake("site-a", "coap", 12_000, 3, 450, 1234L),
      new Forecast("car-1", 42L, List.of(new Forecast.Candidate("site-b", 0.8, 1500), new Forecast.Candidate("site-c", 0.2, 9000))),
      new PrestageRequested("p-1", "car-1/kv", "site-a", "site-b", List.of("snapshot", "layer:sha256:ab"), 99L),
      new Prestaged("p-1", "site-b", "snapshot", 4096, 1200),
      new PrestageCancelled("p-1", "car-1/kv", "site-a", "site-b", "unlikely"),
      new HandoffRequested("h-1", "car-1", "car-1/kv", "kv", "site-a", "site-b", 3, "cold", "a3", 1234L),
      new TargetPrepared("h-1", "site-b", "127.0.0.3", 7443, 8192),
      new SourceFrozen("h-1", "site-a", 1024, 350),
      new StateTransferred("h-1", "site-b", 1024, "00ff", 900),
      new TargetRestored("h-1", "site-b", 4, 120),
      new ClientRedirected("h-1", "car-1", "site-b", "coap://127.0.0.3:5683", 4, "kv", "ssl://127.0.0.3:1883"),
      new SourceReleased("h-1", "site-a"),
      new HandoffCompleted("h-1", "car-1", "site-a", "site-b", 4, "pre-copy", 45.5, 12.25, 1024, false,
          new MigrationMetrics(1.5, 20.25, 0.5, 3.0, 2.0, 0, 75_000_000, 40_960, 0, 3, 0, 60.0)),
      new HandoffAborted("h-2", "car-1", "car-1/kv", "site-a", "site-b", 3, "restore", "timeout", "source resumed"),
      new MigrationAssessed("h-3", 1.4e6, 123.0, 78_643_200, 10_240, 512, MigrationAssessed.CONTAINER,
          java.util.List.of("cold", "pre-copy", "post-copy")),
      new TechniqueChosen("h-3", "post-copy", "least downtime", new io.vertx.core.json.JsonObject().put("cold", 53.0)),
      new StatePrecopied("h-3", 3, 80_000_000, 250_000, 55_000_000, "dirty set small"),
      new PagesCompleted("h-3", "site-b", 12, 19200, 78_643_200, 54_000_000),
      new io.baton.protocol.event.NodeLoad("lab3", 62.5, 40.25, -1, 4, 8_000_000_000L, 1234L));

  @Test
  void everyEventSurvivesTheWireFieldForField() {
    assertEquals(EventCodecs.codecs().size(), SAMPLES.size(), "one sample per registered event type");
    for (BatonEvent event : SAMPLES) {
      MessageCodec<BatonEvent, BatonEvent> codec = codecFor(event);
      Buffer wire = Buffer.buffer("prefix");
      codec.encodeToWire(wire, event);
      BatonEvent decoded = codec.decodeFromWire("prefix".length(), wire);
      assertNotSame(event, decoded);
      assertEquals(event, decoded, event.getClass().getSimpleName());
    }
  }

  @Test
  void eventsCrossTheBusWithRegisteredCodecs() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      EventCodecs.registerAll(vertx.eventBus());
      EventCodecs.registerAll(vertx.eventBus()); // a second verticle on the same instance
      BatonEvent sent = SAMPLES.get(0);
      vertx.eventBus().consumer("echo", message -> message.reply(message.body()));
      Object received = vertx.eventBus().request("echo", sent).toCompletionStage().toCompletableFuture()
          .get(5, TimeUnit.SECONDS).body();
      assertEquals(sent, received);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @SuppressWarnings("unchecked")
  private static MessageCodec<BatonEvent, BatonEvent> codecFor(BatonEvent event) {
    return EventCodecs.codecs().stream()
        .filter(codec -> codec.type() == event.getClass())
        .map(codec -> (MessageCodec<BatonEvent, BatonEvent>) (MessageCodec<?, ?>) codec)
        .findFirst().orElseThrow(() -> new AssertionError("no codec for " + event.getClass()));
  }
}
