package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.memory.PagedMemory;
import io.vertx.core.json.JsonObject;

/** One kind of embedded service: how much memory it needs and how to start it over that memory. */
public interface EmbeddedServiceKind {

  String name();

  /** The memory an instance with these options needs; throws ServiceException for bad options. */
  long memoryBytes(JsonObject options);

  /**
   * @param fresh true for a new instance (initialize the memory), false for one restored from a
   *              migrated memory (read it; it may still be filling in)
   */
  EmbeddedService create(PagedMemory memory, JsonObject options, boolean fresh);

  /** A kind without options whose state fits a fixed memory, fresh or restored alike. */
  static EmbeddedServiceKind fixedSize(String name, long bytes, java.util.function.Function<PagedMemory, EmbeddedService> create) {
    return new EmbeddedServiceKind() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long memoryBytes(JsonObject options) {
        return bytes;
      }

      @Override
      public EmbeddedService create(PagedMemory memory, JsonObject options, boolean fresh) {
        return create.apply(memory);
      }
    };
  }
}
