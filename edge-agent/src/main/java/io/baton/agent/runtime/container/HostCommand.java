package io.baton.agent.runtime.container;

import io.baton.agent.runtime.container.EngineDeadlines.EngineDeadlineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One program a container engine runs on the host (runc, criu, skopeo, umoci, ip, mount, mknod),
 * under a deadline. Its output goes to a file rather than a pipe, so that a program which leaves a child
 * behind holding its stdout (runc's detached container, CRIU's daemons) cannot keep the caller
 * reading; past the deadline the program and everything under it are killed and the caller gets
 * {@link EngineDeadlineException}.
 */
public final class HostCommand {
  private HostCommand() {
  }

  /** What a finished command printed (stdout and stderr together) and its exit status. */
  public record Result(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  /** Runs {@code command}; a non-zero exit fails with the command's own words. */
  public static String run(List<String> command, Duration deadline) {
    Result result = attempt(command, deadline);
    if (!result.ok()) {
      throw new HostCommandException(describe(command) + " exited with " + result.exit() + ": " + lastLines(result.output()));
    }
    return result.output();
  }

  /** Runs {@code command} and returns how it ended, whatever its exit status. */
  public static Result attempt(List<String> command, Duration deadline) {
    Path output;
    try {
      output = Files.createTempFile("baton-cmd-", ".out");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process.toHandle());
        throw new EngineDeadlineException(describe(command) + " did not finish within " + deadline.toMillis() + " ms");
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new HostCommandException("cannot run " + describe(command) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostCommandException("interrupted while running " + describe(command));
    } finally {
      try {
        Files.deleteIfExists(output);
      } catch (IOException ignored) {
        // A temporary file: the system cleans it up.
      }
    }
  }

  /** Kills a process and every descendant, children first. */
  public static void kill(ProcessHandle process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  static String describe(List<String> command) {
    return command.size() > 3 ? String.join(" ", command.subList(0, 3)) + " ..." : String.join(" ", command);
  }

  /** The end of a tool's output, where its reason is (runc and CRIU print the cause last). */
  public static String lastLines(String output) {
    String[] lines = output.strip().split("\n");
    int from = Math.max(0, lines.length - 4);
    return String.join(" | ", java.util.Arrays.asList(lines).subList(from, lines.length)).strip();
  }

  /** A host program failed; the message is what it said. */
  public static final class HostCommandException extends RuntimeException {
    public HostCommandException(String message) {
      super(message);
    }
  }
}
