package io.baton.protocol.codec;

import io.baton.protocol.event.BatonEvent;
import io.baton.protocol.event.ClientRedirected;
import io.baton.protocol.event.Forecast;
import io.baton.protocol.event.HandoffAborted;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.HandoffRequested;
import io.baton.protocol.event.MigrationAssessed;
import io.baton.protocol.event.NodeLoad;
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
import io.baton.protocol.event.TelemetryIntake;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.event.TelemetryReportedBatch;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/** Registers a default codec for every event record, so senders pass records, not JSON. */
public final class EventCodecs {
  private EventCodecs() {
  }

  private static final List<JsonEventCodec<?>> ALL = List.of(
      codec(TelemetryReported.class, TelemetryReported::fromJson),
      codec(TelemetryReportedBatch.class, TelemetryReportedBatch::fromJson),
      codec(TelemetryIntake.class, TelemetryIntake::fromJson),
      codec(Forecast.class, Forecast::fromJson),
      codec(PrestageRequested.class, PrestageRequested::fromJson),
      codec(Prestaged.class, Prestaged::fromJson),
      codec(PrestageCancelled.class, PrestageCancelled::fromJson),
      codec(HandoffRequested.class, HandoffRequested::fromJson),
      codec(TargetPrepared.class, TargetPrepared::fromJson),
      codec(SourceFrozen.class, SourceFrozen::fromJson),
      codec(StateTransferred.class, StateTransferred::fromJson),
      codec(TargetRestored.class, TargetRestored::fromJson),
      codec(ClientRedirected.class, ClientRedirected::fromJson),
      codec(SourceReleased.class, SourceReleased::fromJson),
      codec(HandoffCompleted.class, HandoffCompleted::fromJson),
      codec(HandoffAborted.class, HandoffAborted::fromJson),
      codec(MigrationAssessed.class, MigrationAssessed::fromJson),
      codec(TechniqueChosen.class, TechniqueChosen::fromJson),
      codec(StatePrecopied.class, StatePrecopied::fromJson),
      codec(PagesCompleted.class, PagesCompleted::fromJson),
      codec(NodeLoad.class, NodeLoad::fromJson));

  private static <T extends BatonEvent> JsonEventCodec<T> codec(Class<T> type, Function<JsonObject, T> decoder) {
    return new JsonEventCodec<>(type, decoder);
  }

  /** Every event codec, one per record type. */
  public static List<JsonEventCodec<?>> codecs() {
    return ALL;
  }

  /** Call once per Vert.x instance, before the first event is sent or received. */
  public static void registerAll(EventBus bus) {
    ALL.forEach(codec -> codec.registerOn(bus));
  }
}
