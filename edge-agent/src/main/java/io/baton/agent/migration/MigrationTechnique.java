package io.baton.agent.migration;

import io.vertx.core.Future;
import java.util.BitSet;

/**
 * One way to move an instance's memory (seed 000): what crosses while the service still runs,
 * what crosses while it is frozen, and what the target fetches after it resumed. The source's
 * {@link SourceSession} runs the phases; a technique only decides what goes in each.
 */
public interface MigrationTechnique {

  String name();

  /** The pre-dump phase, while the service runs. Returns the rounds done (0 for none). */
  Future<PrecopyReport> precopy(SourceSession session);

  /**
   * The pages that go into the dump, frozen. {@code dirtySinceLastRound} are the pages written
   * since the last pre-dump round (all pages if there was none).
   */
  BitSet dumpPages(SourceSession session, BitSet dirtySinceLastRound);

  /** True if the target resumes before it holds every page, and faults the rest in. */
  boolean lazy();
}
