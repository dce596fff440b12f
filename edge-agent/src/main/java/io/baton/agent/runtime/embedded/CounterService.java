package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.ServiceException;
import io.baton.agent.runtime.memory.PagedMemory;
import io.vertx.core.json.JsonObject;

/** A single counter at offset 0: {@code {"op":"increment","by":1}} and {@code {"op":"get"}}. */
public final class CounterService implements EmbeddedService {
  public static final EmbeddedServiceKind KIND =
      EmbeddedServiceKind.fixedSize("counter", PagedMemory.PAGE_SIZE, CounterService::new);

  private final PagedMemory memory;

  private CounterService(PagedMemory memory) {
    this.memory = memory;
  }

  @Override
  public JsonObject handle(JsonObject request) {
    String op = request.getString("op", "");
    switch (op) {
      case "increment" -> memory.writeLong(0, memory.readLong(0) + request.getLong("by", 1L));
      case "get" -> { }
      default -> throw new ServiceException("counter: unknown op '" + op + "' (use increment or get)");
    }
    return new JsonObject().put("value", memory.readLong(0));
  }
}
