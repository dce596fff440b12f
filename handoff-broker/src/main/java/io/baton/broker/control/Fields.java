package io.baton.broker.control;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads and checks the fields of a control request; every refusal names the field and why. */
final class Fields {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

  private Fields() {
  }

  static JsonObject body(String text) {
    if (text == null || text.isBlank()) {
      throw new BadRequestException("the request needs a JSON object body");
    }
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      throw new BadRequestException("the body is not a JSON object: " + firstLine(e.getMessage()));
    }
  }

  static String name(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text) || !NAME.matcher(text).matches()) {
      throw new BadRequestException("'" + field + "' must be a name of 1-64 letters, digits, '.', '_', ':' or '-'"
          + (value == null ? " (missing)" : ", got " + value));
    }
    return text;
  }

  static String text(JsonObject json, String field, int maxLength) {
    Object value = json.getValue(field);
    if (!(value instanceof String text) || text.isBlank() || text.length() > maxLength) {
      throw new BadRequestException("'" + field + "' must be a non-empty string of at most " + maxLength + " characters"
          + (value == null ? " (missing)" : ""));
    }
    return text;
  }

  static <E extends Enum<E>> E choice(JsonObject json, String field, Class<E> type) {
    Object value = json.getValue(field);
    if (value instanceof String text) {
      for (E option : type.getEnumConstants()) {
        if (option.name().equalsIgnoreCase(text)) {
          return option;
        }
      }
    }
    StringBuilder options = new StringBuilder();
    for (E option : type.getEnumConstants()) {
      options.append(options.length() == 0 ? "" : ", ").append(option.name().toLowerCase(Locale.ROOT));
    }
    throw new BadRequestException("'" + field + "' must be one of " + options + (value == null ? " (missing)" : ", got " + value));
  }

  static double percent(JsonObject json, String field) {
    Object value = json.getValue(field, 0);
    if (!(value instanceof Number number) || !(number.doubleValue() >= 0 && number.doubleValue() <= 100)) {
      throw new BadRequestException("'" + field + "' must be a number from 0 to 100 (percent), got " + value);
    }
    return number.doubleValue();
  }

  static boolean flag(JsonObject json, String field, boolean otherwise) {
    Object value = json.getValue(field, otherwise);
    if (!(value instanceof Boolean flag)) {
      throw new BadRequestException("'" + field + "' must be true or false, got " + value);
    }
    return flag;
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
