package io.baton.agent.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A runtime's own settings by name (e.g. "docker-host"), as the command line or a test gives them.
 * A value that does not parse is refused with the setting's name, before anything starts.
 */
public final class RuntimeSettings {
  private final Map<String, String> values;

  private RuntimeSettings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static RuntimeSettings of(Map<String, String> values) {
    return new RuntimeSettings(values);
  }

  public static RuntimeSettings none() {
    return new RuntimeSettings(Map.of());
  }

  public RuntimeSettings with(String name, String value) {
    Map<String, String> more = new TreeMap<>(values);
    more.put(name, value);
    return new RuntimeSettings(more);
  }

  public Optional<String> text(String name) {
    return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
  }

  public String text(String name, String otherwise) {
    return text(name).orElse(otherwise);
  }

  public long number(String name, long otherwise, long min, long max) {
    Optional<String> given = text(name);
    if (given.isEmpty()) {
      return otherwise;
    }
    long value;
    try {
      value = Long.parseLong(given.get().strip());
    } catch (NumberFormatException notANumber) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + given.get() + "'");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }
}
