package io.baton.deploy.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a tool (docker, docker-compose, the image build) to its end within a deadline, or fails saying which. */
final class Deadlined {
  private Deadlined() {
  }

  /** What the command printed, stdout and stderr together; its exit status must be 0. */
  static String run(Duration deadline, Map<String, String> environment, List<String> command) throws IOException, InterruptedException {
    Result result = attempt(deadline, environment, command);
    if (result.status() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + result.status() + ":\n" + result.output());
    }
    return result.output();
  }

  record Result(int status, String output) {
  }

  /** As {@link #run}, whatever the exit status. */
  static Result attempt(Duration deadline, Map<String, String> environment, List<String> command) throws IOException, InterruptedException {
    // A file, not a pipe: a chatty command never blocks on a full pipe while we wait for it.
    Path output = Files.createTempFile("baton-compose-it-", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + deadline.toSeconds() + " s:\n"
            + Files.readString(output, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
