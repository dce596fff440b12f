package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.ServiceException;
import io.baton.agent.runtime.memory.PagedMemory;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Seed 000's workload: N MB of random data (default 75), and a request that dirties a given
 * number of bytes' worth of pages at random ({@code {"op":"dirty","bytes":10240}}: one request a
 * second at 10 KB or 500 KB gives the paper's low and high dirty rates). {@code stamp} writes one
 * long at a given page and offset, {@code read} reads it back; {@code checksum} hashes the whole
 * memory; {@code version} counts the writing requests applied. Page 0 holds the version; pages
 * 1.. are filled from {@code Random(seed)}, one {@code nextBytes} per page, so a test can rebuild
 * the exact expected memory.
 */
public final class SyntheticService implements EmbeddedService {
  static final int DEFAULT_MB = 75;
  private static final long VERSION_OFFSET = 0;

  public static final EmbeddedServiceKind KIND = new EmbeddedServiceKind() {
    @Override
    public String name() {
      return "synthetic";
    }

    @Override
    public long memoryBytes(JsonObject options) {
      double mb = options.getDouble("sizeMb", (double) DEFAULT_MB);
      if (!(mb > 0) || mb > 1024) {
        throw new ServiceException("synthetic: sizeMb must be within (0, 1024], got " + mb);
      }
      return Math.max(2 * PagedMemory.PAGE_SIZE, (long) (mb * 1024 * 1024));
    }

    @Override
    public EmbeddedService create(PagedMemory memory, JsonObject options, boolean fresh) {
      SyntheticService service = new SyntheticService(memory, options.getLong("seed", 1L));
      if (fresh) {
        service.fillRandom();
      }
      return service;
    }
  };

  private final PagedMemory memory;
  private final Random random;

  private SyntheticService(PagedMemory memory, long seed) {
    this.memory = memory;
    this.random = new Random(seed);
  }

  private void fillRandom() {
    byte[] page = new byte[PagedMemory.PAGE_SIZE];
    // Page 0 holds the version counter; the data pages follow.
    for (int i = 1; i < memory.pageCount(); i++) {
      random.nextBytes(page);
      memory.write((long) i * PagedMemory.PAGE_SIZE, page);
    }
  }

  @Override
  public JsonObject handle(JsonObject request) {
    String op = request.getString("op", "");
    return switch (op) {
      case "dirty" -> dirty(request.getLong("bytes", 10_240L));
      case "stamp" -> stamp(page(request), offset(request), request.getLong("value", 0L));
      case "read" -> new JsonObject().put("value", memory.readLong((long) page(request) * PagedMemory.PAGE_SIZE + offset(request)));
      case "version" -> new JsonObject().put("version", memory.readLong(VERSION_OFFSET));
      case "checksum" -> new JsonObject().put("sha256", checksum()).put("version", memory.readLong(VERSION_OFFSET));
      default -> throw new ServiceException("synthetic: unknown op '" + op + "' (use dirty, stamp, read, version or checksum)");
    };
  }

  private JsonObject dirty(long bytes) {
    if (bytes < 0 || bytes > memory.sizeBytes()) {
      throw new ServiceException("synthetic: bytes must be within 0.." + memory.sizeBytes());
    }
    int pages = (int) ((bytes + PagedMemory.PAGE_SIZE - 1) / PagedMemory.PAGE_SIZE);
    byte[] stamp = new byte[16];
    for (int i = 0; i < pages; i++) {
      int page = 1 + random.nextInt(memory.pageCount() - 1);
      random.nextBytes(stamp);
      memory.write((long) page * PagedMemory.PAGE_SIZE + random.nextInt(PagedMemory.PAGE_SIZE - stamp.length), stamp);
    }
    long version = memory.readLong(VERSION_OFFSET) + 1;
    memory.writeLong(VERSION_OFFSET, version);
    return new JsonObject().put("version", version).put("pagesDirtied", pages);
  }

  /** Writes one long at a chosen place: a write a test can replay to know the exact expected memory. */
  private JsonObject stamp(int page, int offset, long value) {
    memory.writeLong((long) page * PagedMemory.PAGE_SIZE + offset, value);
    long version = memory.readLong(VERSION_OFFSET) + 1;
    memory.writeLong(VERSION_OFFSET, version);
    return new JsonObject().put("version", version);
  }

  private int page(JsonObject request) {
    int page = request.getInteger("page", -1);
    if (page < 1 || page >= memory.pageCount()) {
      throw new ServiceException("synthetic: page must be within 1.." + (memory.pageCount() - 1));
    }
    return page;
  }

  private static int offset(JsonObject request) {
    int offset = request.getInteger("offset", -1);
    if (offset < 0 || offset > PagedMemory.PAGE_SIZE - Long.BYTES) {
      throw new ServiceException("synthetic: offset must be within 0.." + (PagedMemory.PAGE_SIZE - Long.BYTES));
    }
    return offset;
  }

  private String checksum() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < memory.pageCount(); i++) {
        digest.update(memory.copyOf(i));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
