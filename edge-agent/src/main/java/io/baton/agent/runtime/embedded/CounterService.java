package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.ServiceException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;

/** A single counter: {@code {"op":"increment","by":1}} and {@code {"op":"get"}}. */
public final class CounterService implements EmbeddedService {
  public static final String KIND = "counter";

  private long value;

  @Override
  public JsonObject handle(JsonObject request) {
    String op = request.getString("op", "");
    switch (op) {
      case "increment" -> value += request.getLong("by", 1L);
      case "get" -> { }
      default -> throw new ServiceException("counter: unknown op '" + op + "' (use increment or get)");
    }
    return new JsonObject().put("value", value);
  }

  @Override
  public byte[] exportState() {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  @Override
  public void importState(byte[] state) {
    value = ByteBuffer.wrap(state).getLong();
  }
}
