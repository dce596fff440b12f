package io.baton.agent.runtime.runc;

import io.baton.agent.runtime.container.PostCopyEngine.ParentPages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns a lazy checkpoint into a hybrid one: each page its pagemaps leave lazy that still holds
 * what a full checkpoint taken earlier (the parent, pre-staged at the target) holds is marked as
 * in the parent, so the target's restore reads it there and only the pages written since cross
 * after the restore. CRIU writes such pagemaps itself when the kernel tracks dirtied pages
 * (soft-dirty); this kernel does not, so the frozen processes' memory is compared with the
 * parent's pages instead, through {@code /proc/PID/mem}, while the lazy checkpoint serves them.
 *
 * <p>Whatever cannot be compared (a process not found, a range that cannot be read, a page the
 * parent lacks) stays lazy: the handoff is then post-copy for those pages, never wrong.
 */
final class UnchangedPages {
  private static final Pattern PAGEMAP = Pattern.compile("pagemap-(\\d+)\\.img");
  /** How much of one range is read at a time. */
  private static final int READ_BYTES = 1 << 20;

  private UnchangedPages() {
  }

  /**
   * Rewrites the pagemaps in {@code lazyDir} against those in {@code parentDir}. {@code memories}
   * maps each dumped process's pid as the checkpoint names it (in the container's namespace) to
   * where its memory reads at its addresses ({@code /proc/HOSTPID/mem}).
   */
  static ParentPages markInParent(Path lazyDir, Path parentDir, Map<Long, Path> memories) throws IOException {
    long inParent = 0;
    long lazy = 0;
    // Every pagemap is compared before any is rewritten: a failure midway leaves a plain lazy checkpoint.
    Map<Path, CriuPagemap> rewritten = new java.util.LinkedHashMap<>();
    try (Stream<Path> listing = Files.list(lazyDir)) {
      for (Path image : (Iterable<Path>) listing.sorted()::iterator) {
        Matcher name = PAGEMAP.matcher(image.getFileName().toString());
        if (!name.matches()) {
          continue;
        }
        CriuPagemap frozen = CriuPagemap.read(image);
        Path parentImage = parentDir.resolve(image.getFileName());
        Path memory = memories.get(Long.parseLong(name.group(1)));
        if (memory == null || !Files.exists(parentImage)) {
          lazy += lazyPages(frozen);
          continue;
        }
        Marked marked = mark(frozen, CriuPagemap.read(parentImage), parentDir, memory);
        if (marked.inParent() > 0) {
          rewritten.put(image, frozen.withEntries(marked.entries()));
        }
        inParent += marked.inParent();
        lazy += marked.lazy();
      }
    }
    for (Map.Entry<Path, CriuPagemap> image : rewritten.entrySet()) {
      image.getValue().write(image.getKey());
    }
    return new ParentPages(inParent, lazy);
  }

  private static long lazyPages(CriuPagemap pagemap) {
    return pagemap.entries().stream().filter(UnchangedPages::onlyLazy).mapToLong(CriuPagemap.Entry::pages).sum();
  }

  /** Pages the lazy checkpoint left to be fetched: lazy, and neither in its pages image nor a parent's. */
  private static boolean onlyLazy(CriuPagemap.Entry entry) {
    return entry.has(CriuPagemap.PE_LAZY) && !entry.has(CriuPagemap.PE_PRESENT) && !entry.has(CriuPagemap.PE_PARENT);
  }

  private record Marked(List<CriuPagemap.Entry> entries, long inParent, long lazy) {
  }

  /** A parent range whose pages are in the parent's pages image, from page {@code firstPage} of it. */
  private record Held(long vaddr, long end, long firstPage) {
  }

  private static Marked mark(CriuPagemap frozen, CriuPagemap parent, Path parentDir, Path memoryFile) throws IOException {
    List<Held> held = new ArrayList<>();
    long page = 0;
    for (CriuPagemap.Entry entry : parent.entries()) {
      if (entry.has(CriuPagemap.PE_PRESENT)) {
        held.add(new Held(entry.vaddr(), entry.end(), page));
        page += entry.pages();
      }
    }
    Runs runs = new Runs();
    try (FileChannel memory = FileChannel.open(memoryFile, StandardOpenOption.READ);
        FileChannel pages = FileChannel.open(parentDir.resolve(parent.pagesImage()), StandardOpenOption.READ)) {
      byte[] now = new byte[READ_BYTES];
      byte[] then = new byte[READ_BYTES];
      for (CriuPagemap.Entry entry : frozen.entries()) {
        runs.startEntry(entry.vaddr());
        if (!onlyLazy(entry)) {
          runs.add(entry.vaddr(), entry.pages(), entry.flags());
          continue;
        }
        for (long at = entry.vaddr(); at < entry.end(); ) {
          Held in = find(held, at);
          if (in == null) {
            long next = nextHeld(held, at, entry.end());
            runs.add(at, (next - at) / CriuPagemap.PAGE_SIZE, entry.flags());
            at = next;
            continue;
          }
          int length = (int) Math.min(READ_BYTES, Math.min(entry.end(), in.end()) - at);
          boolean read = readFully(memory, now, length, at)
              && readFully(pages, then, length, (in.firstPage() * CriuPagemap.PAGE_SIZE) + (at - in.vaddr()));
          for (int offset = 0; offset < length; offset += CriuPagemap.PAGE_SIZE) {
            boolean same = read && Arrays.equals(now, offset, offset + CriuPagemap.PAGE_SIZE,
                then, offset, offset + CriuPagemap.PAGE_SIZE);
            runs.add(at + offset, 1, same ? CriuPagemap.PE_PARENT : entry.flags());
          }
          at += length;
        }
      }
    } catch (NoSuchFileException gone) {
      // The process or the parent's pages are gone: every page stays lazy.
      return new Marked(frozen.entries(), 0, lazyPages(frozen));
    }
    return new Marked(runs.entries, runs.inParent, runs.lazy);
  }

  private static Held find(List<Held> held, long vaddr) {
    int low = 0;
    int high = held.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      Held range = held.get(mid);
      if (vaddr < range.vaddr()) {
        high = mid - 1;
      } else if (vaddr >= range.end()) {
        low = mid + 1;
      } else {
        return range;
      }
    }
    return null;
  }

  /** Where the next parent range starts after {@code vaddr}, or {@code limit}. */
  private static long nextHeld(List<Held> held, long vaddr, long limit) {
    long next = limit;
    for (Held range : held) {
      if (range.vaddr() > vaddr) {
        next = Math.min(next, range.vaddr());
        break;
      }
    }
    return next;
  }

  /** False when the range cannot be read whole (a mapping the kernel will not read through /proc). */
  private static boolean readFully(FileChannel channel, byte[] into, int length, long position) {
    ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
    try {
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, position + buffer.position()) <= 0) {
          return false;
        }
      }
      return true;
    } catch (IOException unreadable) {
      return false;
    }
  }

  /** Pagemap entries built page by page, adjacent pages with the same flags merged into one range. */
  private static final class Runs {
    private final List<CriuPagemap.Entry> entries = new ArrayList<>();
    private long inParent;
    private long lazy;
    /** Where the entry being split starts: ranges stay within CRIU's own entries, never merged across. */
    private long entryStart = -1;

    void startEntry(long vaddr) {
      entryStart = vaddr;
    }

    void add(long vaddr, long pages, int flags) {
      if (pages <= 0) {
        return;
      }
      if (flags == CriuPagemap.PE_PARENT) {
        inParent += pages;
      } else if ((flags & CriuPagemap.PE_LAZY) != 0 && (flags & (CriuPagemap.PE_PRESENT | CriuPagemap.PE_PARENT)) == 0) {
        lazy += pages;
      }
      int last = entries.size() - 1;
      if (last >= 0 && vaddr != entryStart && entries.get(last).flags() == flags && entries.get(last).end() == vaddr) {
        CriuPagemap.Entry previous = entries.get(last);
        entries.set(last, new CriuPagemap.Entry(previous.vaddr(), previous.pages() + pages, flags));
      } else {
        entries.add(new CriuPagemap.Entry(vaddr, pages, flags));
      }
    }
  }
}
