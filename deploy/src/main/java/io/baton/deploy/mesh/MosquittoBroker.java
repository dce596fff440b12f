package io.baton.deploy.mesh;

import io.baton.agent.mqtt.MqttAccess;
import io.baton.pki.DevCertificateAuthority;
import io.baton.protocol.security.ClientSecrets;
import io.baton.protocol.security.CredentialLayout;
import io.baton.protocol.security.MemberCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto (Debian's package) run as a child process, bound to one address and port,
 * without persistence: {@link #restart(long)} is a real broker outage. Tests use it for interop and
 * broker failures; the load benchmarks and the soak use it as the sites' shared broker, since the
 * embedded Moquette 0.17 loses session threads under load (see MqttTopics.Lane). It is set up
 * as protocol.md tells a deployment to: TLS only, with a certificate the mesh's CA issued for its
 * address; no anonymous logins; a password file ({@code mosquitto_passwd -U}) with each member's
 * and each client's derived MQTT password; and an ACL file with the rules of the agents' embedded
 * brokers ({@link MqttAccess}): a client publishes only on its own inbound topics and reads only
 * its own outbound ones (only a gateway's login, gateway/ID, may publish on its batch topic, which
 * may name other clients), a member uses every topic.
 */
public final class MosquittoBroker implements AutoCloseable {
  /** The member name the broker's certificate is issued to. */
  private static final String BROKER_NAME = "mosquitto";

  private final String host;
  private final int port;
  private final Path dir;
  private final Path config;
  private final Path log;
  private final Path clusterCa;
  private Process process;

  /**
   * @param credentials the mesh's credentials directory (`baton credentials`)
   * @param members the members (sites) whose agents log in
   * @param clients the clients that may log in
   * @param gateways the gateways that may log in (as gateway/ID) and publish batches
   */
  public MosquittoBroker(String host, int port, Path credentials, List<String> members, List<String> clients, List<String> gateways)
      throws IOException, InterruptedException {
    this.host = host;
    this.port = port;
    this.dir = Files.createTempDirectory("mosquitto-" + port + "-");
    this.config = dir.resolve("mosquitto.conf");
    this.log = dir.resolve("mosquitto.log");
    DevCertificateAuthority authority = DevCertificateAuthority.open(credentials);
    MemberCredentials broker = authority.issueMember(BROKER_NAME, List.of(host));
    CredentialLayout layout = authority.layout();
    this.clusterCa = layout.clusterCa();
    Path passwords = writePasswords(broker, members, clients, gateways);
    Path acl = dir.resolve("acl");
    Files.writeString(acl, acl(members, gateways));
    Files.writeString(config, String.join("\n",
        "listener " + port + " " + host,
        "cafile " + clusterCa,
        "certfile " + layout.memberCertificate(BROKER_NAME),
        "keyfile " + layout.memberKey(BROKER_NAME),
        "allow_anonymous false",
        "password_file " + passwords,
        "acl_file " + acl,
        "persistence false",
        // Calls and their answers are small messages: with Nagle's algorithm on, each waited for the
        // peer's delayed ACK (40 ms on Linux) before it left.
        "set_tcp_nodelay true",
        // Started as root, Mosquitto would drop to the 'mosquitto' user, which may not read the
        // test's private key and password file; as any other user this line does nothing.
        "user " + System.getProperty("user.name"),
        ""));
    start();
  }

  /** Each login's password in clear, hashed in place by mosquitto_passwd -U. */
  private Path writePasswords(MemberCredentials broker, List<String> members, List<String> clients, List<String> gateways)
      throws IOException, InterruptedException {
    List<String> lines = new ArrayList<>();
    for (String member : members) {
      lines.add(MqttAccess.memberUser(member) + ":" + MqttAccess.memberPassword(broker, member));
    }
    for (String client : clients) {
      lines.add(client + ":" + broker.secretsOf(client).mqttPassword());
    }
    for (String gateway : gateways) {
      lines.add(ClientSecrets.gatewayUser(gateway) + ":" + broker.gatewaySecretsOf(gateway).mqttPassword());
    }
    Path passwords = dir.resolve("passwords");
    Files.write(passwords, lines);
    Process hashing = new ProcessBuilder(tool("mosquitto_passwd"), "-U", passwords.toString()).redirectErrorStream(true)
        .start();
    if (!hashing.waitFor(20, TimeUnit.SECONDS)) {
      hashing.destroyForcibly();
      throw new IOException("mosquitto_passwd -U did not finish within 20 s");
    }
    String output = new String(hashing.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!output.isBlank()) {
      throw new IOException("mosquitto_passwd -U: " + output);
    }
    return passwords;
  }

  /** The rules MqttAccess enforces in the embedded broker, as Mosquitto 2.0 ACL patterns. */
  private static String acl(List<String> members, List<String> gateways) {
    StringBuilder acl = new StringBuilder()
        .append("pattern write baton/site/+/%u/telemetry\n")
        .append("pattern write baton/site/+/%u/attach\n")
        .append("pattern write baton/site/+/%u/call\n")
        .append("pattern read baton/client/%u/+\n");
    for (String member : members) {
      acl.append("\nuser ").append(MqttAccess.memberUser(member)).append("\ntopic readwrite baton/#\n");
    }
    for (String gateway : gateways) {
      acl.append("\nuser ").append(ClientSecrets.gatewayUser(gateway))
          .append("\ntopic write baton/site/+/").append(gateway).append("/+")
          .append("\ntopic read baton/client/").append(gateway).append("/+\n");
    }
    return acl.toString();
  }

  /** The CA a client verifies the broker against. */
  public Path clusterCa() {
    return clusterCa;
  }

  public String uri() {
    return "ssl://" + host + ":" + port;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public void start() throws IOException {
    if (listening()) {
      // Ours would fail to bind and exit, and every client would reach the other one instead.
      throw new IOException("something already listens on " + host + ":" + port
          + " (a broker left from an earlier run?); stop it or pick another port");
    }
    process = new ProcessBuilder(tool("mosquitto"), "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Process started = process;
    // A run that ends without close() (Ctrl-C, a failed test) must not leave the broker behind.
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "mosquitto-" + port + "-stop"));
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

  private boolean listening() {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(host, port), 200);
      return true;
    } catch (IOException nothing) {
      return false;
    }
  }

  /** Stops the broker (every connection drops) and starts a fresh one on the same address. */
  public void restart(long downMillis) throws IOException {
    stop();
    sleep(downMillis);
    start();
  }

  public void stop() {
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

  /** Debian installs the broker in /usr/sbin, which not every PATH names. */
  private static String tool(String name) {
    String path = System.getenv("PATH") + java.io.File.pathSeparator + "/usr/sbin";
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (new java.io.File(dir, name).canExecute()) {
        return new java.io.File(dir, name).getPath();
      }
    }
    throw new IllegalStateException(name + " is not installed (apt-get install mosquitto): the load benchmarks and the "
        + "soak run the sites' MQTT on Mosquitto");
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
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(dir);
  }
}
