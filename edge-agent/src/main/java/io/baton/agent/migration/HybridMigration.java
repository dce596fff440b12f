package io.baton.agent.migration;

import io.vertx.core.Future;
import java.util.BitSet;

/** One full pre-copy round while running, then post-copy for the pages dirtied since. */
final class HybridMigration implements MigrationTechnique {
  @Override
  public String name() {
    return "hybrid";
  }

  @Override
  public Future<PrecopyReport> precopy(SourceSession session) {
    return session.precopyRounds(new PrecopyLimits(1, 0, 0));
  }

  @Override
  public BitSet dumpPages(SourceSession session, BitSet dirtySinceLastRound) {
    return new BitSet();
  }

  @Override
  public boolean lazy() {
    return true;
  }
}
