package io.baton.agent.runtime.embedded;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.baton.agent.runtime.CorruptSnapshotException;
import java.util.Arrays;

/**
 * An execution state as it arrives from another site (its digest only proves the sender sent it,
 * not that it is well formed). It is read whole or refused with CorruptSnapshotException, and what
 * is read is written back to the very same bytes.
 */
class ExecutionStateFuzzTest {

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({"BTNX", "\u0000\u0000\u0000\u0002", "counter", "synthetic", "{}", "{\"sizeMb\":2}", "null", "[]"})
  void executionStatesAreReadWholeOrRefused(byte[] state) {
    ExecutionStateFormat.Contents contents;
    try {
      contents = ExecutionStateFormat.read(state, 4096);
    } catch (CorruptSnapshotException refused) {
      return;
    }
    byte[] again = ExecutionStateFormat.write(contents.serviceKind(), contents.options(), contents.pageCount(), contents.replies());
    ExecutionStateFormat.Contents reread = ExecutionStateFormat.read(again, 4096);
    if (!reread.serviceKind().equals(contents.serviceKind()) || reread.pageCount() != contents.pageCount()
        || !reread.options().equals(contents.options())) {
      throw new AssertionError("an accepted state does not survive being written again: " + Arrays.toString(state));
    }
  }
}
