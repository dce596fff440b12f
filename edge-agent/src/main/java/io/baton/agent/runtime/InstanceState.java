package io.baton.agent.runtime;

/** The life of one instance at one site. Only a LIVE instance answers calls. */
public enum InstanceState {
  /** Restored, waiting for the fence to let it serve. */
  STAGED,
  LIVE,
  /** Stopped for a handoff; it either resumes (abort) or is released (commit). */
  FROZEN,
  /** Part of its state can no longer be had (the source died during post-copy): it never serves again. */
  FAILED
}
