package io.baton.agent.runtime.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fresh temporary directory for a fuzz target's files, made once per JVM (a fuzz target runs in one of its own). */
final class Sandbox {
  private Sandbox() {
  }

  static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
