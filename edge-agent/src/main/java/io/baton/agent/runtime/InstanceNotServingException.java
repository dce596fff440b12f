package io.baton.agent.runtime;

import java.util.Optional;

/** A call reached a site where the instance does not serve now: frozen, staged, or absent. */
public final class InstanceNotServingException extends RuntimeException {
  private final Optional<InstanceState> state;

  public InstanceNotServingException(String instanceId, Optional<InstanceState> state) {
    super(state.map(s -> "instance " + instanceId + " is " + s.name().toLowerCase() + reason(s))
        .orElse("instance " + instanceId + " does not run here"), null, false, false);
    this.state = state;
  }

  private static String reason(InstanceState state) {
    return switch (state) {
      case FROZEN -> ": handoff in progress";
      case FAILED -> ": its state was lost with the source during post-copy";
      default -> "";
    };
  }

  public Optional<InstanceState> state() {
    return state;
  }
}
