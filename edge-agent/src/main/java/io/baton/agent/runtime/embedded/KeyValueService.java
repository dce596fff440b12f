package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.ServiceException;
import io.baton.agent.runtime.memory.PagedMemory;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A string key-value store. Ops: put (key, value), get (key), delete (key), incr (key: the value
 * as a decimal counter, returns the new value) and size. The map lives in memory as a
 * length-prefixed serialization rewritten after each change; the memory marks dirty only the
 * pages whose bytes changed. The in-heap map is a cache of that memory, rebuilt on restore.
 */
public final class KeyValueService implements EmbeddedService {
  static final long DEFAULT_BYTES = 1024 * 1024;

  public static final EmbeddedServiceKind KIND = new EmbeddedServiceKind() {
    @Override
    public String name() {
      return "kv";
    }

    @Override
    public long memoryBytes(JsonObject options) {
      long kib = options.getLong("sizeKiB", DEFAULT_BYTES / 1024);
      if (kib < 4 || kib > 256 * 1024) {
        throw new ServiceException("kv: sizeKiB must be within 4..262144, got " + kib);
      }
      return kib * 1024;
    }

    @Override
    public EmbeddedService create(PagedMemory memory, JsonObject options, boolean fresh) {
      KeyValueService service = new KeyValueService(memory);
      if (fresh) {
        service.store();
      } else {
        service.load();
      }
      return service;
    }
  };

  private final PagedMemory memory;
  private final Map<String, String> entries = new TreeMap<>();

  private KeyValueService(PagedMemory memory) {
    this.memory = memory;
  }

  @Override
  public JsonObject handle(JsonObject request) {
    String op = request.getString("op", "");
    JsonObject reply = switch (op) {
      case "put" -> new JsonObject().put("previous", entries.put(key(request), value(request)));
      case "get" -> new JsonObject().put("value", entries.get(key(request)));
      case "delete" -> new JsonObject().put("previous", entries.remove(key(request)));
      case "incr" -> {
        String key = key(request);
        long next = parseCounter(key, entries.get(key)) + request.getLong("by", 1L);
        entries.put(key, Long.toString(next));
        yield new JsonObject().put("value", next);
      }
      case "size" -> new JsonObject().put("size", entries.size());
      default -> throw new ServiceException("kv: unknown op '" + op + "' (use put, get, delete, incr or size)");
    };
    if (!op.equals("get") && !op.equals("size")) {
      store();
    }
    return reply;
  }

  private void store() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0);
      out.writeInt(entries.size());
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        out.writeUTF(entry.getKey());
        out.writeUTF(entry.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] image = bytes.toByteArray();
    if (image.length > memory.sizeBytes()) {
      load(); // the change does not fit: forget it, keep what memory holds
      throw new ServiceException("kv: store full (" + memory.sizeBytes() + " bytes)");
    }
    java.nio.ByteBuffer.wrap(image).putInt(0, image.length - Integer.BYTES);
    memory.write(0, image);
  }

  private void load() {
    int length = java.nio.ByteBuffer.wrap(memory.read(0, Integer.BYTES)).getInt();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(memory.read(Integer.BYTES, length)))) {
      entries.clear();
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        entries.put(in.readUTF(), in.readUTF());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kv: memory does not hold a store", e);
    }
  }

  private static String key(JsonObject request) {
    String key = request.getString("key");
    if (key == null) {
      throw new ServiceException("kv: missing 'key'");
    }
    return key;
  }

  private static String value(JsonObject request) {
    String value = request.getString("value");
    if (value == null) {
      throw new ServiceException("kv: missing 'value'");
    }
    return value;
  }

  private static long parseCounter(String key, String current) {
    if (current == null) {
      return 0;
    }
    try {
      return Long.parseLong(current);
    } catch (NumberFormatException e) {
      throw new ServiceException("kv: value of '" + key + "' is not a counter");
    }
  }
}
