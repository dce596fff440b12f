package io.baton.agent.migration;

import io.vertx.core.Future;
import java.util.BitSet;

/**
 * Iterative pre-copy: a full round while the service runs, then rounds of the pages dirtied
 * meanwhile, until the limits say stop; then freeze and send the last dirty set.
 */
final class PreCopyMigration implements MigrationTechnique {
  private final PrecopyLimits limits;

  PreCopyMigration(PrecopyLimits limits) {
    this.limits = limits;
  }

  @Override
  public String name() {
    return "pre-copy";
  }

  @Override
  public Future<PrecopyReport> precopy(SourceSession session) {
    return session.precopyRounds(limits);
  }

  @Override
  public BitSet dumpPages(SourceSession session, BitSet dirtySinceLastRound) {
    return dirtySinceLastRound;
  }

  @Override
  public boolean lazy() {
    return false;
  }
}
