package io.baton.agent.runtime.runc;

import io.baton.agent.runtime.container.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's stdio, held the way a shim holds it for Docker: runc {@code run} or {@code restore
 * --detach} hands its own stdio to the container and exits, so they must be pipes whose other ends
 * outlive runc. A small shell pipeline is that shim: stdin is a pipe already at end of file, and
 * stdout and stderr go through a pipe to {@code cat}, which appends to the container's log until
 * the container closes them. Pipes rather than files, because runc's checkpoint records pipes as
 * the container's stdio and its restore connects them to the restoring runc's own (inherit-fd); a
 * file would have to exist at the same path at the target. Not the JVM's own pipes: the JDK closes
 * a child's pipes once the child (runc) exits. Being outside the JVM, the shim also lets the
 * container outlive the agent.
 */
final class ContainerConsole {
  private ContainerConsole() {
  }

  /**
   * Runs {@code runc} (a run or restore with {@code --detach}) behind the shim, the container's
   * log starting empty (a restored container's log starts at its restore), and waits at most
   * {@code deadline} for runc to exit. Returns runc's exit status; empty past the deadline, with
   * the shell that runs it killed.
   */
  static java.util.OptionalInt run(List<String> runc, Path log, Path status, Duration deadline) {
    try {
      Files.write(log, new byte[0]);
      Files.deleteIfExists(status);
      List<String> quoted = new ArrayList<>();
      for (String arg : runc) {
        quoted.add("'" + arg.replace("'", "'\\''") + "'");
      }
      String pipeline = "( true | " + String.join(" ", quoted) + "; echo $? > '" + status + "' ) 2>&1 | cat >> '" + log + "'";
      Process shim = new ProcessBuilder("setsid", "sh", "-c", pipeline).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      long until = System.nanoTime() + deadline.toNanos();
      while (System.nanoTime() < until) {
        if (Files.exists(status)) {
          String written = Files.readString(status, StandardCharsets.US_ASCII).strip();
          if (!written.isEmpty()) {
            return java.util.OptionalInt.of(Integer.parseInt(written));
          }
        }
        if (!shim.isAlive() && !Files.exists(status)) {
          return java.util.OptionalInt.of(-1);
        }
        Thread.sleep(10);
      }
      HostCommand.kill(shim.toHandle());
      return java.util.OptionalInt.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("starting runc with the container's console", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while runc started a container");
    }
  }

  static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + log, e);
    }
  }
}
