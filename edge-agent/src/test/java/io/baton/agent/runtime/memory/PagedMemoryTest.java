package io.baton.agent.runtime.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PagedMemoryTest {

  @Test
  void writesMarkOnlyThePagesTheyChange() {
    PagedMemory memory = PagedMemory.allocate(10 * PagedMemory.PAGE_SIZE);
    memory.write(PagedMemory.PAGE_SIZE - 2, new byte[] {1, 2, 3, 4}); // straddles pages 0 and 1
    memory.write(5L * PagedMemory.PAGE_SIZE, new byte[8]); // zeros over zeros: no change
    BitSet dirty = memory.drainDirty();
    assertEquals(BitSet.valueOf(new long[] {0b11}), dirty);
    assertTrue(memory.drainDirty().isEmpty(), "draining resets the set");
    assertArrayEquals(new byte[] {1, 2, 3, 4}, memory.read(PagedMemory.PAGE_SIZE - 2, 4));
  }

  @Test
  void aMissingPageIsFaultedInOnceFromItsSource() {
    byte[] content = new byte[PagedMemory.PAGE_SIZE];
    content[7] = 42;
    AtomicInteger fetches = new AtomicInteger();
    PagedMemory memory = PagedMemory.awaiting(4, page -> {
      fetches.incrementAndGet();
      return content;
    });
    memory.install(0, new byte[PagedMemory.PAGE_SIZE]);
    assertEquals(0, memory.read(0, 1)[0]);
    assertEquals(42, memory.read(2L * PagedMemory.PAGE_SIZE + 7, 1)[0]);
    assertEquals(42, memory.read(2L * PagedMemory.PAGE_SIZE + 7, 1)[0]);
    assertEquals(1, fetches.get());
    assertEquals(1, memory.faults());
    assertFalse(memory.whenComplete().isDone());
    memory.install(1, content);
    memory.install(3, content);
    assertTrue(memory.whenComplete().isDone());
  }

  @Test
  void anAbandonedMemoryFailsFaultsWithTheReason() {
    PagedMemory memory = PagedMemory.awaiting(2, page -> {
      throw new PageSource.PageUnavailableException("source gone");
    });
    PageSource.PageUnavailableException failure = assertThrows(PageSource.PageUnavailableException.class, () -> memory.read(0, 1));
    assertEquals("source gone", failure.getMessage());
    memory.abandon("source site-a lost");
    assertTrue(memory.whenComplete().isCompletedExceptionally());
    assertThrows(PageSource.PageUnavailableException.class, () -> memory.read(PagedMemory.PAGE_SIZE, 1));
  }
}
