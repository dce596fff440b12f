package io.baton.examples;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs with defaults: enough for an example, no CLI library needed. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args) {
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got '" + args[i] + "'");
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("'" + args[args.length - 1] + "' has no value");
    }
  }

  /** {@code --credentials DIR}: the client's credentials from a `baton credentials` directory; none if absent. */
  java.util.Optional<io.baton.protocol.security.ClientCredentials> credentials(String clientId) {
    return java.util.Optional.ofNullable(values.get("credentials"))
        .map(dir -> io.baton.protocol.security.ClientCredentials.load(java.nio.file.Path.of(dir), clientId));
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  double number(String name, double fallback) {
    return Double.parseDouble(get(name, Double.toString(fallback)));
  }
}
