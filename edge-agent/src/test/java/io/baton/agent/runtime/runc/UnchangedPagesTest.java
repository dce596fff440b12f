package io.baton.agent.runtime.runc;

import static io.baton.agent.runtime.runc.CriuPagemap.PE_LAZY;
import static io.baton.agent.runtime.runc.CriuPagemap.PE_PARENT;
import static io.baton.agent.runtime.runc.CriuPagemap.PE_PRESENT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.agent.runtime.container.PostCopyEngine.ParentPages;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hybrid rewrite on images laid out as CRIU lays them out, with a file standing for a frozen
 * process's {@code /proc/PID/mem} (read at the page's address). The real path, CRIU restoring
 * from such a pagemap with a parent, runs in {@code RuncHandoffTest}.
 */
class UnchangedPagesTest {
  private static final int PAGE = CriuPagemap.PAGE_SIZE;
  private static final byte[] MAGIC = {0x19, 0x43, 0x56, 0x54, 0x25, 0x40, 0x08, 0x56};
  @TempDir
  Path dir;

  @Test
  void pagesThatStillEqualTheParentsAreReadThereAndOnlyTheRestStayLazy() throws IOException {
    Path parent = parentWithEightPagesAt(0x10000);
    Path lazy = lazyCheckpoint(1);
    Path memory = memory(0x10000, 8, 2, 5);
    // Two pages the parent never held: mapped after the pre-stage.
    try (RandomAccessFile file = new RandomAccessFile(memory.toFile(), "rw")) {
      file.seek(0x20000);
      file.write(page(99));
      file.write(page(98));
    }

    ParentPages marked = UnchangedPages.markInParent(lazy, parent, Map.of(1L, memory));

    assertEquals(new ParentPages(6, 4), marked);
    assertEquals(List.of(
        new CriuPagemap.Entry(0x8000, 1, PE_PRESENT),
        new CriuPagemap.Entry(0x10000, 2, PE_PARENT),
        new CriuPagemap.Entry(0x12000, 1, PE_LAZY),
        new CriuPagemap.Entry(0x13000, 2, PE_PARENT),
        new CriuPagemap.Entry(0x15000, 1, PE_LAZY),
        new CriuPagemap.Entry(0x16000, 2, PE_PARENT),
        new CriuPagemap.Entry(0x20000, 2, PE_LAZY)), CriuPagemap.read(lazy.resolve("pagemap-1.img")).entries());
  }

  @Test
  void aProcessWhoseMemoryCannotBeReadKeepsEveryPageLazyAndItsImageUntouched() throws IOException {
    Path parent = parentWithEightPagesAt(0x10000);
    Path lazy = lazyCheckpoint(1);
    byte[] before = Files.readAllBytes(lazy.resolve("pagemap-1.img"));

    ParentPages unknown = UnchangedPages.markInParent(lazy, parent, Map.of(7L, memory(0x10000, 8)));
    ParentPages gone = UnchangedPages.markInParent(lazy, parent, Map.of(1L, dir.resolve("no-such-process-mem")));

    assertEquals(new ParentPages(0, 10), unknown);
    assertEquals(new ParentPages(0, 10), gone);
    assertArrayEquals(before, Files.readAllBytes(lazy.resolve("pagemap-1.img")));
  }

  @Test
  void pagesPastTheEndOfWhatReadsStayLazy() throws IOException {
    Path parent = parentWithEightPagesAt(0x10000);
    Path lazy = lazyCheckpoint(1);
    Path memory = memory(0x10000, 8);
    try (RandomAccessFile file = new RandomAccessFile(memory.toFile(), "rw")) {
      file.setLength(0x10000 + 4 * PAGE);
    }

    ParentPages marked = UnchangedPages.markInParent(lazy, parent, Map.of(1L, memory));

    assertEquals(new ParentPages(0, 10), marked, "a range is compared only when it reads whole");
  }

  private static byte[] page(int seed) {
    byte[] page = new byte[PAGE];
    Arrays.fill(page, (byte) seed);
    page[17] = (byte) (seed * 7);
    return page;
  }

  /** A full checkpoint's images: eight pages from {@code vaddr} in pages-1.img, page i filled with i. */
  private Path parentWithEightPagesAt(long vaddr) throws IOException {
    Path parent = Files.createDirectories(dir.resolve("baton-prestage-1"));
    new CriuPagemap(MAGIC, 1, List.of(new CriuPagemap.Entry(0x8000, 1, PE_PRESENT),
        new CriuPagemap.Entry(vaddr, 8, PE_PRESENT | PE_LAZY))).write(parent.resolve("pagemap-1.img"));
    try (var pages = Files.newOutputStream(parent.resolve("pages-1.img"))) {
      pages.write(page(50));
      for (int i = 0; i < 8; i++) {
        pages.write(page(i));
      }
    }
    return parent;
  }

  /** A lazy checkpoint's pagemap: the stack page present, the eight pages and two more lazy. */
  private Path lazyCheckpoint(int pid) throws IOException {
    Path lazy = Files.createDirectories(dir.resolve("baton-frozen"));
    new CriuPagemap(MAGIC, 2, List.of(new CriuPagemap.Entry(0x8000, 1, PE_PRESENT),
        new CriuPagemap.Entry(0x10000, 8, PE_LAZY), new CriuPagemap.Entry(0x20000, 2, PE_LAZY)))
        .write(lazy.resolve("pagemap-" + pid + ".img"));
    return lazy;
  }

  /** Memory as the process holds it now: the parent's pages from {@code vaddr}, those {@code written} changed. */
  private Path memory(long vaddr, int pages, int... written) throws IOException {
    Path memory = dir.resolve("mem-" + System.nanoTime());
    try (RandomAccessFile file = new RandomAccessFile(memory.toFile(), "rw")) {
      for (int i = 0; i < pages; i++) {
        file.seek(vaddr + (long) i * PAGE);
        int index = i;
        file.write(Arrays.stream(written).anyMatch(w -> w == index) ? page(100 + i) : page(i));
      }
    }
    return memory;
  }
}
