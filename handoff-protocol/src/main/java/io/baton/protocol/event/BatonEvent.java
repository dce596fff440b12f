package io.baton.protocol.event;

import io.vertx.core.json.JsonObject;

/**
 * An immutable record that travels on the event bus. Each record maps its own fields to JSON; the
 * codec never falls back to Java serialization.
 */
public interface BatonEvent {
  JsonObject toJson();
}
