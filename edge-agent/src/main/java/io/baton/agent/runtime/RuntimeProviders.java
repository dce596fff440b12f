package io.baton.agent.runtime;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The runtimes on the class path, by name (META-INF/services/io.baton.agent.runtime.RuntimeProvider). */
public final class RuntimeProviders {
  private RuntimeProviders() {
  }

  public static List<RuntimeProvider> all() {
    return ServiceLoader.load(RuntimeProvider.class, RuntimeProvider.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get)
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .toList();
  }

  public static List<String> names() {
    return all().stream().map(RuntimeProvider::name).toList();
  }

  /** The runtime called {@code name}; an unknown name is refused with the names there are. */
  public static RuntimeProvider named(String name) {
    List<RuntimeProvider> providers = all();
    return providers.stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown runtime '" + name + "'; available: "
            + providers.stream().map(RuntimeProvider::name).collect(Collectors.joining(", "))));
  }
}
