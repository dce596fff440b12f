package io.baton.deploy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs the standard command-line tools of the interop tests (libcoap, mosquitto-clients) as real processes. */
final class Cli {
  private Cli() {
  }

  /** The first of {@code names} on the PATH: Debian's libcoap3-bin installs coap-client-notls, others coap-client. */
  static String tool(String... names) {
    // Debian installs the mosquitto broker in /usr/sbin, which not every PATH names.
    String path = System.getenv("PATH") + File.pathSeparator + "/usr/sbin";
    for (String name : names) {
      for (String dir : path.split(File.pathSeparator)) {
        if (new File(dir, name).canExecute()) {
          return new File(dir, name).getPath();
        }
      }
    }
    throw new AssertionError("none of " + Arrays.toString(names) + " is installed: apt-get install libcoap3-bin mosquitto-clients");
  }

  /** Runs a command to its end and returns what it printed (stdout and stderr). */
  static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 20 s");
    }
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** A command that keeps running (a subscriber, an observer) and the lines it printed so far. */
  static final class Running implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    Running(String... command) throws IOException {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            synchronized (lines) {
              lines.add(line);
              lines.notifyAll();
            }
          }
        } catch (IOException ended) {
          // the process ended
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for a line that matches, among those not yet returned by an earlier wait. */
    String await(Predicate<String> wanted, String what) throws InterruptedException {
      return poll(wanted, 15_000).orElseThrow(() -> {
        synchronized (lines) {
          return new AssertionError("no line with " + what + " within 15 s; printed: " + lines);
        }
      });
    }

    /** The first line that matches within {@code waitMillis}, among those not yet returned. */
    Optional<String> poll(Predicate<String> wanted, long waitMillis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + waitMillis;
      synchronized (lines) {
        while (true) {
          for (int i = 0; i < lines.size(); i++) {
            if (wanted.test(lines.get(i))) {
              return Optional.of(lines.remove(i));
            }
          }
          long left = deadline - System.currentTimeMillis();
          if (left <= 0) {
            return Optional.empty();
          }
          lines.wait(left);
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
