package io.baton.agent.migration;

import io.vertx.core.Future;
import java.util.BitSet;

/** Freeze, send every page and the execution state, resume. Each page crosses once. */
final class ColdMigration implements MigrationTechnique {
  @Override
  public String name() {
    return "cold";
  }

  @Override
  public Future<PrecopyReport> precopy(SourceSession session) {
    return Future.succeededFuture(PrecopyReport.NONE);
  }

  @Override
  public BitSet dumpPages(SourceSession session, BitSet dirtySinceLastRound) {
    return session.allPages();
  }

  @Override
  public boolean lazy() {
    return false;
  }
}
