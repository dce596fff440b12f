package io.baton.agent.runtime.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A container process's private anonymous memory (what a checkpoint carries and post-copy fetches
 * lazily) and how many of its pages it touches per second. The kernel here has no soft-dirty
 * tracking, so the rate is read from the pages' referenced bits instead: cleared through
 * {@code /proc/PID/clear_refs}, counted in {@code smaps} after a window. A page read counts as
 * well as a page written, so the rate is an upper bound of the dirtying rate; for a workload that
 * writes what it touches (memwork) the two agree.
 */
final class PageTouchMeter {
  private static final long PAGE_SIZE = 4096;

  /** Anonymous bytes resident, and pages of them touched per second over the window. */
  record Reading(long anonymousBytes, double touchedPagesPerSecond) {
  }

  private PageTouchMeter() {
  }

  /** Blocks for {@code window}: call it on a worker. */
  static Reading measure(long pid, Duration window) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      Files.writeString(proc.resolve("clear_refs"), "1");
      Thread.sleep(window.toMillis());
      Totals totals = anonymous(Files.readAllLines(proc.resolve("smaps")));
      return new Reading(totals.residentKb() * 1024, totals.referencedKb() * 1024.0 / PAGE_SIZE / (window.toMillis() / 1000.0));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the memory of process " + pid + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring process " + pid);
    }
  }

  record Totals(long residentKb, long referencedKb) {
  }

  /**
   * Sums Rss and Referenced over the private anonymous mappings of an smaps listing: those without
   * a backing file (inode 0), the heap included, the stack and the kernel's special mappings not.
   */
  static Totals anonymous(List<String> smaps) {
    long resident = 0;
    long referenced = 0;
    boolean counting = false;
    for (String line : smaps) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 5 && fields[0].matches("[0-9a-f]+-[0-9a-f]+")) {
        String name = fields.length > 5 ? fields[5] : "";
        counting = fields[4].equals("0") && fields[1].contains("p") && (name.isEmpty() || name.equals("[heap]"));
      } else if (counting && fields.length >= 2 && fields[0].equals("Rss:")) {
        resident += Long.parseLong(fields[1]);
      } else if (counting && fields.length >= 2 && fields[0].equals("Referenced:")) {
        referenced += Long.parseLong(fields[1]);
      }
    }
    return new Totals(resident, referenced);
  }
}
