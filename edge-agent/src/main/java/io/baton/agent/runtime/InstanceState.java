package io.baton.agent.runtime;

/** The life of one instance at one site. Only a LIVE instance answers calls. */
public enum InstanceState {
  /** Restored from a snapshot, waiting for the fence to let it serve. */
  STAGED,
  LIVE,
  /** Stopped for a handoff; it either resumes (abort) or is released (commit). */
  FROZEN
}
