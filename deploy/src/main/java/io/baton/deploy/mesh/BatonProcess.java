package io.baton.deploy.mesh;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code baton} command running in a JVM of its own, as on a separate host: started with this
 * JVM's class path, ready once it printed a given line, stopped cleanly or killed (SIGKILL).
 */
public final class BatonProcess implements AutoCloseable {
  private final Process process;
  private final StringBuilder output = new StringBuilder();
  private final String command;

  private BatonProcess(Process process, String command) {
    this.process = process;
    this.command = command;
  }

  /** Starts {@code baton ARGS} in a new JVM and waits up to 90 s for a line containing {@code readyLine}. */
  public static BatonProcess start(String readyLine, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"), "io.baton.deploy.cli.BatonCli"));
    command.addAll(List.of(args));
    BatonProcess started = new BatonProcess(new ProcessBuilder(command).redirectErrorStream(true).start(),
        "baton " + String.join(" ", args));
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(started.process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          synchronized (started.output) {
            started.output.append(line).append('\n');
          }
          if (line.contains(readyLine)) {
            ready.countDown();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(90, TimeUnit.SECONDS) || !started.process.isAlive()) {
      started.kill();
      throw new IllegalStateException("'" + started.command + "' did not print '" + readyLine + "':\n" + started.output());
    }
    return started;
  }

  public String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, the member does not leave the cluster, it just vanishes. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
