package io.baton.client.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Against a real Mosquitto (Debian's): a session whose Paho client gave up reconnecting, as Paho
 * 1.2.5 does when one reconnect attempt throws at once, is reconnected by its watch, subscribes
 * again and reports the regained connection, for MQTT 3.1.1 and 5.
 */
class SessionWatchTest {
  private static final String HOST = "127.0.78.1";
  private static final int PORT = 18836;
  private static final String URI = "tcp://" + HOST + ":" + PORT;
  private static Process mosquitto;
  private static Path dir;

  @BeforeAll
  static void startMosquitto() throws Exception {
    dir = Files.createTempDirectory("session-watch-");
    Path config = dir.resolve("mosquitto.conf");
    Files.writeString(config, "listener " + PORT + " " + HOST + "\nallow_anonymous true\npersistence false\n");
    mosquitto = new ProcessBuilder(tool("mosquitto"), "-c", config.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(HOST, PORT), 200);
        return;
      } catch (java.io.IOException notYet) {
        if (System.nanoTime() > deadline || !mosquitto.isAlive()) {
          throw new IllegalStateException("mosquitto did not start: " + Files.readString(dir.resolve("log")));
        }
        Thread.sleep(50);
      }
    }
  }

  @AfterAll
  static void stopMosquitto() throws Exception {
    if (mosquitto != null) {
      mosquitto.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    }
  }

  @ParameterizedTest
  @EnumSource(MqttVersion.class)
  void aSessionPahoGaveUpOnIsReconnectedSubscribedAndReported(MqttVersion version) throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    AtomicInteger regained = new AtomicInteger();
    MqttSession.Listener listener = new MqttSession.Listener() {
      @Override
      public void message(String topic, byte[] payload, boolean retained) {
        received.add(topic);
      }

      @Override
      public void reconnected() {
        regained.incrementAndGet();
      }
    };
    String client = "watched-" + version;
    String filter = "baton/client/" + client + "/+";
    MqttSession session = MqttSession.Factory.of(version).create(URI, client, Optional.empty(), filter, listener);
    MqttSession publisher = MqttSession.Factory.of(version).create(URI, "publisher-" + version, Optional.empty(), "baton/none", listener);
    try {
      session.open().get(20, TimeUnit.SECONDS);
      publisher.open().get(20, TimeUnit.SECONDS);
      if (session instanceof PahoV3Session v3) {
        v3.dropAndGiveUp();
      } else {
        ((PahoV5Session) session).dropAndGiveUp();
      }
      String topic = "baton/client/" + client + "/redirect";
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SessionWatch.STALL_MILLIS + 10_000);
      while (!received.contains(topic) && System.nanoTime() < deadline) {
        publisher.publish(topic, new byte[] {1}, false).exceptionally(e -> null);
        Thread.sleep(250);
      }
      assertTrue(received.contains(topic), "the session stayed deaf after Paho gave up");
      assertTrue(regained.get() >= 1, "the regained connection was not reported, so the client would not attach again");
    } finally {
      session.close();
      publisher.close();
    }
  }

  private static String tool(String name) {
    for (String path : (System.getenv("PATH") + File.pathSeparator + "/usr/sbin").split(File.pathSeparator)) {
      if (new File(path, name).canExecute()) {
        return new File(path, name).getPath();
      }
    }
    throw new IllegalStateException(name + " is not installed (apt-get install mosquitto)");
  }
}
