package io.baton.agent.runtime.runc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One process's CRIU pagemap image ({@code pagemap-PID.img}): which address ranges of its memory
 * the dump holds, and where each range's pages are. The format is CRIU's {@code images/pagemap.proto}
 * behind the image's two magic words: a {@code pagemap_head} naming the {@code pages-ID.img} that
 * holds the present pages in entry order, then one {@code pagemap_entry} per range, each a
 * little-endian length and the message. Only what a hybrid handoff rewrites is modelled.
 */
public record CriuPagemap(byte[] magic, int pagesId, List<Entry> entries) {
  public static final int PAGE_SIZE = 4096;
  /** The range's pages are in the parent checkpoint's images. */
  public static final int PE_PARENT = 1;
  /** The range's pages may be restored lazily (fetched from the page server when touched). */
  public static final int PE_LAZY = 1 << 1;
  /** The range's pages are in this checkpoint's pages image. */
  public static final int PE_PRESENT = 1 << 2;
  private static final int MAGIC_BYTES = 8;

  /** A range of {@code pages} pages from {@code vaddr}, with CRIU's {@code PE_*} flags. */
  public record Entry(long vaddr, long pages, int flags) {
    public Entry {
      if (pages <= 0 || (vaddr & (PAGE_SIZE - 1)) != 0) {
        throw new IllegalArgumentException("not a page range: " + pages + " pages at 0x" + Long.toHexString(vaddr));
      }
    }

    public boolean has(int flag) {
      return (flags & flag) != 0;
    }

    public long end() {
      return vaddr + pages * PAGE_SIZE;
    }
  }

  public CriuPagemap {
    magic = magic.clone();
    entries = List.copyOf(entries);
  }

  @Override
  public byte[] magic() {
    return magic.clone();
  }

  public static CriuPagemap read(Path image) throws IOException {
    return parse(Files.readAllBytes(image), image.toString());
  }

  static CriuPagemap parse(byte[] image, String name) throws IOException {
    if (image.length < MAGIC_BYTES) {
      throw new IOException(name + " is not a CRIU pagemap image: " + image.length + " bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[MAGIC_BYTES];
    in.get(magic);
    int pagesId = -1;
    List<Entry> entries = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 4) {
        throw new IOException(name + ": truncated entry length at byte " + in.position());
      }
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new IOException(name + ": entry of " + length + " bytes at byte " + in.position() + " overruns the image");
      }
      CodedInputStream message = CodedInputStream.newInstance(image, in.position(), length);
      in.position(in.position() + length);
      if (pagesId < 0) {
        pagesId = readHead(message, name);
      } else {
        entries.add(readEntry(message, name));
      }
    }
    if (pagesId < 0) {
      throw new IOException(name + " has no pagemap head");
    }
    return new CriuPagemap(magic, pagesId, entries);
  }

  private static int readHead(CodedInputStream message, String name) throws IOException {
    int pagesId = -1;
    for (int tag = message.readTag(); tag != 0; tag = message.readTag()) {
      if (tag == (1 << 3)) {
        pagesId = message.readUInt32();
      } else {
        message.skipField(tag);
      }
    }
    if (pagesId < 0) {
      throw new IOException(name + ": pagemap head without pages_id");
    }
    return pagesId;
  }

  private static Entry readEntry(CodedInputStream message, String name) throws IOException {
    long vaddr = -1;
    long compatPages = 0;
    long pages = -1;
    boolean inParent = false;
    Integer flags = null;
    for (int tag = message.readTag(); tag != 0; tag = message.readTag()) {
      switch (tag >>> 3) {
        case 1 -> vaddr = message.readUInt64();
        case 2 -> compatPages = Integer.toUnsignedLong(message.readUInt32());
        case 3 -> inParent = message.readBool();
        case 4 -> flags = message.readUInt32();
        case 5 -> pages = message.readUInt64();
        default -> message.skipField(tag);
      }
    }
    if (vaddr < 0) {
      throw new IOException(name + ": pagemap entry without vaddr");
    }
    // As CRIU reads an image of an older version (init_compat_pagemap_entry).
    int effective = inParent ? (flags == null ? 0 : flags) | PE_PARENT : flags == null ? PE_PRESENT : flags;
    return new Entry(vaddr, pages >= 0 ? pages : compatPages, effective);
  }

  public byte[] encode() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(MAGIC_BYTES + 16 * (entries.size() + 1));
      out.write(magic);
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      CodedOutputStream headMessage = CodedOutputStream.newInstance(head);
      headMessage.writeUInt32(1, pagesId);
      headMessage.flush();
      writeFramed(out, head.toByteArray());
      for (Entry entry : entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(24);
        CodedOutputStream message = CodedOutputStream.newInstance(body);
        message.writeUInt64(1, entry.vaddr());
        // compat_nr_pages is required by the schema; CRIU writes it 0 and reads nr_pages.
        message.writeUInt32(2, 0);
        message.writeUInt32(4, entry.flags());
        message.writeUInt64(5, entry.pages());
        message.flush();
        writeFramed(out, body.toByteArray());
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("encoding a pagemap in memory", e);
    }
  }

  private static void writeFramed(ByteArrayOutputStream out, byte[] message) {
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(message.length).array());
    out.writeBytes(message);
  }

  public void write(Path image) throws IOException {
    Path written = image.resolveSibling(image.getFileName() + ".new");
    Files.write(written, encode());
    Files.move(written, image, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public CriuPagemap withEntries(List<Entry> replaced) {
    return new CriuPagemap(magic, pagesId, replaced);
  }

  /** The pages image that holds this pagemap's present pages. */
  public String pagesImage() {
    return "pages-" + pagesId + ".img";
  }
}
