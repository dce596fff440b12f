package io.baton.protocol.codec;

import io.baton.protocol.event.BatonEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Puts one event record on the wire as length-prefixed JSON, field by field as the record maps
 * itself. Local deliveries pass the record itself: records are immutable, so sharing is safe.
 */
public final class JsonEventCodec<T extends BatonEvent> implements MessageCodec<T, T> {
  private final Class<T> type;
  private final Function<JsonObject, T> decoder;

  public JsonEventCodec(Class<T> type, Function<JsonObject, T> decoder) {
    this.type = type;
    this.decoder = decoder;
  }

  public Class<T> type() {
    return type;
  }

  /**
   * Makes this codec the one the bus uses for every message of its record type. Several verticles
   * of one Vert.x instance may each ask; the first registration stands.
   */
  public void registerOn(EventBus bus) {
    try {
      bus.registerDefaultCodec(type, this);
    } catch (IllegalStateException alreadyRegistered) {
      // Same record type, same mapping: nothing to do.
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T event) {
    Buffer json = event.toJson().toBuffer();
    buffer.appendInt(json.length());
    buffer.appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    Buffer json = buffer.getBuffer(pos + 4, pos + 4 + length);
    return decoder.apply(new JsonObject(json));
  }

  @Override
  public T transform(T event) {
    return event;
  }

  @Override
  public String name() {
    return "baton." + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
