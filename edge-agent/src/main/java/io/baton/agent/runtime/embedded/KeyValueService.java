package io.baton.agent.runtime.embedded;

import io.baton.agent.runtime.ServiceException;
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
 * as a decimal counter, returns the new value) and size.
 */
public final class KeyValueService implements EmbeddedService {
  public static final String KIND = "kv";

  private final Map<String, String> entries = new TreeMap<>();

  @Override
  public JsonObject handle(JsonObject request) {
    String op = request.getString("op", "");
    return switch (op) {
      case "put" -> {
        String previous = entries.put(key(request), value(request));
        yield new JsonObject().put("previous", previous);
      }
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

  @Override
  public byte[] exportState() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(entries.size());
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        out.writeUTF(entry.getKey());
        out.writeUTF(entry.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public void importState(byte[] state) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      entries.clear();
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        entries.put(in.readUTF(), in.readUTF());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
