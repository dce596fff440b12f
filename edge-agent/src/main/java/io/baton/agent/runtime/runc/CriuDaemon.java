package io.baton.agent.runtime.runc;

import io.baton.agent.runtime.container.HostCommand;
import io.baton.agent.runtime.container.EngineDeadlines.EngineDeadlineException;
import io.baton.agent.runtime.container.PostCopyEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CRIU process that serves another one for a while: a page server receiving a dump's pages
 * ({@code criu page-server}), the lazy-pages daemon that answers a lazily restored container's
 * page faults ({@code criu lazy-pages}), or a lazy checkpoint ({@code runc checkpoint
 * --lazy-pages}) that serves the frozen container's pages to that daemon. It ends on its own when
 * its peer is done; {@link #await} waits for that under a deadline, past which it is killed.
 */
public final class CriuDaemon implements PostCopyEngine.LazyPages {
  private final String what;
  private final Process process;
  private final Path log;

  private CriuDaemon(String what, Process process, Path log) {
    this.what = what;
    this.process = process;
    this.log = log;
  }

  /** Receives the pages of a dump sent with {@code --page-server address:port} into {@code imagesDir}. */
  static CriuDaemon pageServer(String criu, Path imagesDir, String address, int port, List<String> tls) {
    List<String> args = new ArrayList<>(List.of("page-server", "--images-dir", imagesDir.toString(), "--address", address,
        "--port", String.valueOf(port)));
    args.addAll(tls);
    return start(criu, "page server on " + address + ":" + port, imagesDir, "page-server.log", args);
  }

  /** Serves the page faults of a container restored with {@code --lazy-pages} from the pages in {@code imagesDir}. */
  static CriuDaemon lazyPages(String criu, Path imagesDir) {
    return start(criu, "lazy-pages daemon for " + imagesDir.getFileName(), imagesDir, "lazy-pages.log",
        List.of("lazy-pages", "--images-dir", imagesDir.toString()));
  }

  /**
   * The lazy-pages daemon of a post-copy restore whose pages come from a lazy checkpoint's page
   * server at {@code address:port} (another site), written nowhere: each is copied into the
   * restored container as it is faulted or pushed.
   */
  static CriuDaemon lazyPagesFrom(String criu, Path imagesDir, String address, int port, List<String> tls) {
    List<String> args = new ArrayList<>(List.of("lazy-pages", "--images-dir", imagesDir.toString(), "--page-server",
        "--address", address, "--port", String.valueOf(port)));
    args.addAll(tls);
    return start(criu, "lazy-pages daemon fetching from " + address + ":" + port, imagesDir, "lazy-pages.log", args);
  }

  /**
   * Runs a lazy {@code runc checkpoint} whose {@code --status-fd 3} is a file: runc writes a byte
   * there once the dump is done and its page server is ready ({@link #awaitReady} on that file).
   */
  static CriuDaemon lazyCheckpoint(List<String> runcCheckpoint, Path status, Path output) {
    List<String> command = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" 3>'" + status + "'", "sh"));
    command.addAll(runcCheckpoint);
    try {
      Files.deleteIfExists(status);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      return new CriuDaemon("lazy checkpoint's page server", process, output);
    } catch (IOException e) {
      throw new UncheckedIOException("starting a lazy checkpoint", e);
    }
  }

  private static CriuDaemon start(String criu, String what, Path imagesDir, String logName, List<String> args) {
    List<String> command = new ArrayList<>(List.of(criu));
    command.addAll(args);
    command.addAll(List.of("-v4", "--log-file", logName));
    try {
      Files.createDirectories(imagesDir);
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(imagesDir.resolve(logName + ".out").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      return new CriuDaemon(what, process, imagesDir.resolve(logName));
    } catch (IOException e) {
      throw new UncheckedIOException("starting the " + what, e);
    }
  }

  /** Waits until a file the daemon makes exists and is not empty, at most {@code deadline}. */
  void awaitReady(Path marker, Duration deadline) {
    long until = System.nanoTime() + deadline.toNanos();
    while (!ready(marker) && process.isAlive() && System.nanoTime() < until) {
      sleep(5);
    }
    if (!ready(marker)) {
      close();
      throw new IllegalStateException("the " + what + " did not come up: " + HostCommand.lastLines(logText()));
    }
  }

  /**
   * Waits until the daemon listens on {@code port}, at most {@code deadline}. It is asked of the
   * kernel, not by connecting: the daemon would take a connection for its one peer's.
   */
  void awaitListening(int port, Duration deadline) {
    long until = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < until && process.isAlive()) {
      if (io.baton.agent.runtime.container.ListeningSockets.listeningHere(port)) {
        return;
      }
      sleep(5);
    }
    close();
    throw new IllegalStateException("the " + what + " did not listen: " + HostCommand.lastLines(logText()));
  }

  private static boolean ready(Path marker) {
    try {
      // A socket file has no size; a status file is ready once runc wrote its byte.
      return Files.exists(marker) && (!Files.isRegularFile(marker) || Files.size(marker) > 0);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the daemon still runs (a lazy checkpoint serves until the target holds every page). */
  @Override
  public boolean alive() {
    return process.isAlive();
  }

  /** Waits for the daemon to finish its job and end; fails with its log's reason if it failed. */
  @Override
  public void await(Duration deadline) {
    try {
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new EngineDeadlineException("the " + what + " did not finish within " + deadline.toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while waiting for the " + what);
    }
    if (process.exitValue() != 0) {
      throw new RuncEngine.RuncException("the " + what + " failed: " + HostCommand.lastLines(errors(logText())));
    }
  }

  private String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String errors(String log) {
    return String.join("\n", log.lines().filter(line -> line.contains("Error")).toList());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      HostCommand.kill(process.toHandle());
    }
  }
}
