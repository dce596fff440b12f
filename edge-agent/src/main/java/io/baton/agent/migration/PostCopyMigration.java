package io.baton.agent.migration;

import io.vertx.core.Future;
import java.util.BitSet;

/**
 * Freeze, send only the execution state, resume at the target at once; the target faults pages
 * in from the source and the source streams it the rest. The state is split between two sites
 * until the last page arrives: losing the source then loses the service (seed 000's risk).
 */
final class PostCopyMigration implements MigrationTechnique {
  @Override
  public String name() {
    return "post-copy";
  }

  @Override
  public Future<PrecopyReport> precopy(SourceSession session) {
    return Future.succeededFuture(PrecopyReport.NONE);
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
