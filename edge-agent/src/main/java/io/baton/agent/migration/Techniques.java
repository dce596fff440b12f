package io.baton.agent.migration;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The techniques an agent can run, by name. */
public final class Techniques {
  private final Map<String, MigrationTechnique> byName;

  public Techniques(PrecopyLimits limits) {
    this.byName = List.of(new ColdMigration(), new PreCopyMigration(limits), new PostCopyMigration(), new HybridMigration())
        .stream().collect(Collectors.toUnmodifiableMap(MigrationTechnique::name, Function.identity()));
  }

  public MigrationTechnique named(String name) {
    MigrationTechnique technique = byName.get(name);
    if (technique == null) {
      throw new IllegalArgumentException("unknown migration technique '" + name + "'; known: " + String.join(", ", byName.keySet()));
    }
    return technique;
  }
}
