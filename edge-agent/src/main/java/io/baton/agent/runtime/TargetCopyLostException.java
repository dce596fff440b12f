package io.baton.agent.runtime;

/**
 * A post-copy target's restored copy died before it held every page (a container killed for its
 * memory as the pages came in): the source, which keeps its own copy until it is released, must
 * take the service back. The broker tells this apart from a source that vanished by the reply's
 * code ({@code AgentCommand.TARGET_COPY_LOST}).
 */
public final class TargetCopyLostException extends RuntimeException {
  public TargetCopyLostException(String message) {
    super(message, null, false, false);
  }
}
