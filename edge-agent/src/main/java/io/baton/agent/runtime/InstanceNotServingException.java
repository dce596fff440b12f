package io.baton.agent.runtime;

import java.util.Optional;

/** A call reached a site where the instance does not serve now: frozen, staged, or absent. */
public final class InstanceNotServingException extends RuntimeException {
  private final Optional<InstanceState> state;

  public InstanceNotServingException(String instanceId, Optional<InstanceState> state) {
    super(state.map(s -> "instance " + instanceId + " is " + s.name().toLowerCase() + (s == InstanceState.FROZEN ? ": handoff in progress" : ""))
        .orElse("instance " + instanceId + " does not run here"), null, false, false);
    this.state = state;
  }

  public Optional<InstanceState> state() {
    return state;
  }
}
