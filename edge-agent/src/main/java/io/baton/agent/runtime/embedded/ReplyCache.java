package io.baton.agent.runtime.embedded;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The replies to the most recent calls, by request id. It travels with the instance's state, so a
 * call replayed at the new site after a handoff is answered from here, not executed twice.
 */
final class ReplyCache {
  static final int DEFAULT_CAPACITY = 4096;

  private final int capacity;
  private final LinkedHashMap<String, JsonObject> replies;

  ReplyCache(int capacity) {
    this.capacity = capacity;
    this.replies = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) {
        return size() > ReplyCache.this.capacity;
      }
    };
  }

  Optional<JsonObject> find(String requestId) {
    return Optional.ofNullable(replies.get(requestId));
  }

  void remember(String requestId, JsonObject reply) {
    replies.put(requestId, reply);
  }

  void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(replies.size());
    for (Map.Entry<String, JsonObject> entry : replies.entrySet()) {
      out.writeUTF(entry.getKey());
      byte[] json = entry.getValue().toBuffer().getBytes();
      out.writeInt(json.length);
      out.write(json);
    }
  }

  static ReplyCache readFrom(DataInputStream in, int capacity) throws IOException {
    ReplyCache cache = new ReplyCache(capacity);
    int count = in.readInt();
    if (count < 0 || count > capacity) {
      throw new IOException("reply cache holds " + count + " entries, more than its capacity " + capacity);
    }
    for (int i = 0; i < count; i++) {
      String id = in.readUTF();
      int length = in.readInt();
      if (length < 0 || length > in.available()) {
        throw new IOException("reply of " + length + " bytes runs past the end of the snapshot");
      }
      byte[] json = in.readNBytes(length);
      cache.remember(id, new JsonObject(io.vertx.core.buffer.Buffer.buffer(json)));
    }
    return cache;
  }
}
