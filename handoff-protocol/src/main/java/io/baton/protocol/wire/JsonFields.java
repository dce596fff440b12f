package io.baton.protocol.wire;

import io.baton.protocol.Ids;
import io.baton.protocol.wire.InvalidPayloadException.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** Strict readers for the fields of client payloads; each failure names the field. */
final class JsonFields {
  private JsonFields() {
  }

  static JsonObject parseObject(Buffer body) throws InvalidPayloadException {
    if (body == null || body.length() == 0) {
      throw new InvalidPayloadException(Kind.MALFORMED, "empty payload: expected a JSON object");
    }
    Object parsed = parseTree(body);
    if (parsed instanceof JsonObject object) {
      return object;
    }
    throw new InvalidPayloadException(Kind.MALFORMED, "expected a JSON object, got " + typeName(parsed));
  }

  /** A JSON object or array; anything else is MALFORMED. */
  static Object parseTree(Buffer body) throws InvalidPayloadException {
    try {
      Object parsed = Json.decodeValue(body);
      if (parsed instanceof JsonObject || parsed instanceof io.vertx.core.json.JsonArray) {
        return parsed;
      }
      throw new InvalidPayloadException(Kind.MALFORMED, "expected a JSON object, got " + typeName(parsed));
    } catch (DecodeException e) {
      throw new InvalidPayloadException(Kind.MALFORMED, "malformed JSON: " + firstLine(e.getMessage()));
    }
  }

  static String id(JsonObject json, String field) throws InvalidPayloadException {
    Object value = json.getValue(field);
    if (value == null) {
      throw new InvalidPayloadException(Kind.INVALID, "missing field '" + field + "'");
    }
    if (!(value instanceof String text) || !Ids.isValid(text)) {
      throw new InvalidPayloadException(Kind.INVALID,
          "field '" + field + "' must be an id of 1-128 letters, digits, '.', '_', ':' or '-'");
    }
    return text;
  }

  static boolean isId(String text) {
    return Ids.isValid(text);
  }

  static double finite(JsonObject json, String field, double min, double max, String unit)
      throws InvalidPayloadException {
    Object value = json.getValue(field);
    if (value == null) {
      throw new InvalidPayloadException(Kind.INVALID, "missing field '" + field + "'");
    }
    return finiteValue(value, field, min, max, unit);
  }

  static double finiteValue(Object value, String field, double min, double max, String unit)
      throws InvalidPayloadException {
    if (value instanceof String text && (text.equalsIgnoreCase("nan") || text.toLowerCase().contains("infinity"))) {
      throw new InvalidPayloadException(Kind.INVALID, "'" + field + "' is not a finite number: " + text);
    }
    if (!(value instanceof Number number)) {
      throw new InvalidPayloadException(Kind.INVALID, "'" + field + "' must be a number, got " + typeName(value));
    }
    double d = number.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new InvalidPayloadException(Kind.INVALID, "'" + field + "' is not a finite number: " + d);
    }
    if (d < min || d > max) {
      throw new InvalidPayloadException(Kind.INVALID,
          "'" + field + "' = " + d + " " + unit + " is out of range [" + min + ", " + max + "]");
    }
    return d;
  }

  static JsonObject object(JsonObject json, String field) throws InvalidPayloadException {
    Object value = json.getValue(field);
    if (value == null) {
      throw new InvalidPayloadException(Kind.INVALID, "missing field '" + field + "'");
    }
    if (!(value instanceof JsonObject object)) {
      throw new InvalidPayloadException(Kind.INVALID, "'" + field + "' must be an object, got " + typeName(value));
    }
    return object;
  }

  static String typeName(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof io.vertx.core.json.JsonArray || value instanceof java.util.List) {
      return "an array";
    }
    if (value instanceof byte[]) {
      return "a byte string";
    }
    return "an object";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unparseable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
