package io.baton.agent.runtime.runc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriuPagemapTest {
  /** pagemap-PID.img of a full CRIU 4.2.1 dump of a small C process on this kernel: 16 ranges, pages-1.img. */
  private static final byte[] DUMPED = Base64.getDecoder().decode(
      "GUNWVCVACFYCAAAACAEOAAAACICA7PSrwxUQACAEKAEOAAAACIDA7PSrwxUQACAEKAIOAAAACIDA6dytwxUQACAGKAIPAAAACIDAkLzR6h8QACAGKP4H"
          + "DwAAAAiAgJC+0eofEAAgBiiACA8AAAAIgICQwNHqHxAAIAYogAgPAAAACICAkMLR6h8QACAGKIAIDgAAAAiAgJDE0eofEAAgBigFDgAAAAiAoIXF0eof"
          + "EAAgBCgGDgAAAAiA4IbF0eofEAAgBigBDgAAAAiA4IfF0eofEAAgBigDDgAAAAiA4InF0eofEAAgBigBDgAAAAiAwIzF0eofEAAgBigBDgAAAAiAwI7F"
          + "0eofEAAgBCgCDgAAAAiAoJvF0eofEAAgBCgEDgAAAAiAwN2B0P8fEAAgBigC");

  @Test
  void readsCriusOwnImageAndWritesItBackByteForByte() throws IOException {
    CriuPagemap pagemap = CriuPagemap.parse(DUMPED, "dumped");

    assertEquals("pages-1.img", pagemap.pagesImage());
    assertEquals(16, pagemap.entries().size());
    assertEquals(new CriuPagemap.Entry(0x7f5517842000L, 1022, CriuPagemap.PE_PRESENT | CriuPagemap.PE_LAZY),
        pagemap.entries().get(3));
    assertTrue(pagemap.entries().get(0).has(CriuPagemap.PE_PRESENT));
    assertArrayEquals(DUMPED, pagemap.encode());
  }

  @Test
  void aRewrittenPagemapReadsBackAsWritten() throws IOException {
    CriuPagemap pagemap = CriuPagemap.parse(DUMPED, "dumped");
    List<CriuPagemap.Entry> split = List.of(new CriuPagemap.Entry(0x10000, 3, CriuPagemap.PE_PARENT),
        new CriuPagemap.Entry(0x13000, 1L << 33, CriuPagemap.PE_LAZY));

    CriuPagemap reread = CriuPagemap.parse(pagemap.withEntries(split).encode(), "rewritten");

    assertEquals(split, reread.entries());
    assertEquals(pagemap.pagesId(), reread.pagesId());
  }

  @Test
  void aDamagedImageIsRefusedWithWhereItBreaks() {
    IOException overrun = assertThrows(IOException.class,
        () -> CriuPagemap.parse(Arrays.copyOf(DUMPED, DUMPED.length - 1), "cut"));
    assertTrue(overrun.getMessage().contains("overruns the image"), overrun.getMessage());
    IOException tooShort = assertThrows(IOException.class, () -> CriuPagemap.parse(new byte[5], "tiny"));
    assertTrue(tooShort.getMessage().contains("not a CRIU pagemap image"), tooShort.getMessage());
    IOException headless = assertThrows(IOException.class, () -> CriuPagemap.parse(Arrays.copyOf(DUMPED, 8), "headless"));
    assertTrue(headless.getMessage().contains("no pagemap head"), headless.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CriuPagemap.Entry(0x10001, 1, CriuPagemap.PE_LAZY));
  }
}
