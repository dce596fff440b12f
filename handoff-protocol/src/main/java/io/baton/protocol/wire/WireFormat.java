package io.baton.protocol.wire;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.baton.protocol.wire.InvalidPayloadException.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a client payload is encoded: JSON (CoAP content format 50) or CBOR (60, RFC 8949). Both decode
 * to the same JSON tree, so every field check is written once, in {@link JsonFields}.
 */
public enum WireFormat {
  JSON(50, "application/json"),
  CBOR(60, "application/cbor");

  private static final CBORMapper CBOR_MAPPER = CBORMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final int coapContentFormat;
  private final String mediaType;

  WireFormat(int coapContentFormat, String mediaType) {
    this.coapContentFormat = coapContentFormat;
    this.mediaType = mediaType;
  }

  public int coapContentFormat() {
    return coapContentFormat;
  }

  public String mediaType() {
    return mediaType;
  }

  /**
   * The format a CoAP request declares; a request without a Content-Format option is read as JSON,
   * as it always was. Any other format is refused with a reason naming the two accepted.
   */
  public static WireFormat ofCoapContentFormat(int contentFormat) throws InvalidPayloadException {
    if (contentFormat < 0 || contentFormat == JSON.coapContentFormat) {
      return JSON;
    }
    if (contentFormat == CBOR.coapContentFormat) {
      return CBOR;
    }
    throw new InvalidPayloadException(Kind.MALFORMED, "unsupported content format " + contentFormat
        + ": send application/json (50) or application/cbor (60)");
  }

  /** Decodes a payload to a JSON object or array; anything else, or bytes that do not parse, is MALFORMED. */
  public Object decode(byte[] payload) throws InvalidPayloadException {
    if (payload == null || payload.length == 0) {
      throw new InvalidPayloadException(Kind.MALFORMED, "empty payload: expected a " + name() + " object");
    }
    if (this == JSON) {
      return JsonFields.parseTree(Buffer.buffer(payload));
    }
    Object tree;
    try {
      tree = CBOR_MAPPER.readValue(payload, Object.class);
    } catch (JacksonException e) {
      throw new InvalidPayloadException(Kind.MALFORMED, "malformed CBOR: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidPayloadException(Kind.MALFORMED, "malformed CBOR: " + e.getMessage());
    }
    if (tree instanceof Map<?, ?> map) {
      return new JsonObject(cast(map));
    }
    if (tree instanceof List<?> list) {
      return new JsonArray(list);
    }
    throw new InvalidPayloadException(Kind.MALFORMED, "expected a CBOR map or array, got " + JsonFields.typeName(tree));
  }

  /** Encodes a JSON tree in this format: what a client sends. */
  public byte[] encode(Object jsonTree) {
    if (this == JSON) {
      return jsonTree instanceof JsonObject o ? o.toBuffer().getBytes() : ((JsonArray) jsonTree).toBuffer().getBytes();
    }
    try {
      return CBOR_MAPPER.writeValueAsBytes(plain(jsonTree));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Vert.x JSON trees hold their own wrapper types: CBOR's mapper needs plain maps and lists. */
  private static Object plain(Object value) {
    if (value instanceof JsonObject object) {
      Map<String, Object> map = new LinkedHashMap<>();
      object.forEach(entry -> map.put(entry.getKey(), plain(entry.getValue())));
      return map;
    }
    if (value instanceof JsonArray array) {
      List<Object> list = new ArrayList<>(array.size());
      array.forEach(item -> list.add(plain(item)));
      return list;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
