package io.baton.agent.runtime.docker;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A checkpoint archive (tar.gz) as another site sends it. It is unpacked or refused
 * (UncheckedIOException, IllegalArgumentException), and nothing is ever written outside the
 * checkpoint's directory: the sandbox around it must stay exactly as it was.
 */
class CheckpointArchiveFuzzTest {
  private static final Path SANDBOX = Sandbox.create("checkpoint-fuzz");


  @FuzzTest(maxDuration = "15s")
  void archivesUnpackInsideTheirDirectoryOrAreRefused(byte[] archive) throws IOException {
    Path dir = SANDBOX.resolve("checkpoint");
    try {
      CheckpointArchive.unpack(archive, dir);
    } catch (UncheckedIOException | IllegalArgumentException refused) {
      // a damaged or hostile archive
    } finally {
      try (Stream<Path> all = Files.walk(SANDBOX)) {
        List<Path> outside = all.filter(p -> !p.equals(SANDBOX) && !p.startsWith(dir)).toList();
        if (!outside.isEmpty()) {
          throw new AssertionError("the archive wrote outside its directory: " + outside);
        }
      }
      if (Files.exists(dir)) {
        try (Stream<Path> tree = Files.walk(dir)) {
          for (Path path : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
            Files.delete(path);
          }
        }
      }
    }
  }
}
