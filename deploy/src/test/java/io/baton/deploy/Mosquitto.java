package io.baton.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto (Debian's package) run by the test as a child process, bound to one loopback
 * address and port, anonymous, without persistence: {@link #restart()} is a real broker outage.
 */
final class Mosquitto implements AutoCloseable {
  private final String host;
  private final int port;
  private final Path config;
  private final Path log;
  private Process process;

  Mosquitto(String host, int port) throws IOException {
    this.host = host;
    this.port = port;
    this.config = Files.createTempFile("mosquitto-" + port, ".conf");
    this.log = Files.createTempFile("mosquitto-" + port, ".log");
    Files.writeString(config, "listener " + port + " " + host + "\nallow_anonymous true\npersistence false\n");
    config.toFile().setReadable(true, false);
    start();
  }

  String uri() {
    return "tcp://" + host + ":" + port;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  void start() throws IOException {
    process = new ProcessBuilder(Cli.tool("mosquitto"), "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(host, port), 200);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IOException("mosquitto exited: " + Files.readString(log));
        }
        sleep(50);
      }
    }
    throw new IOException("mosquitto did not listen on " + uri() + ": " + Files.readString(log));
  }

  /** Stops the broker (every connection drops) and starts a fresh one on the same address. */
  void restart(long downMillis) throws IOException {
    stop();
    sleep(downMillis);
    start();
  }

  void stop() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    stop();
    Files.deleteIfExists(config);
    Files.deleteIfExists(log);
  }
}
