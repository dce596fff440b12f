package io.baton.deploy.mesh;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Broker processes ({@code baton broker}, each its own JVM) on a range of addresses. A killed
 * broker is replaced by a new one on the next unused address, since a fresh member on a fresh
 * address is what a replacement host is. Each is issued its own member certificate first.
 */
public final class BrokerFleet implements AutoCloseable {
  private final List<String> hosts;
  private final List<String> members;
  private final MeshCredentials credentials;
  private final List<String> brokerOptions;
  private final Map<String, BatonProcess> running = new LinkedHashMap<>();
  private int nextHost;

  /** {@code hosts}: addresses brokers may use, in order; {@code members}: the whole cluster's member list. */
  public BrokerFleet(List<String> hosts, List<String> members, MeshCredentials credentials, List<String> brokerOptions) {
    this.hosts = List.copyOf(hosts);
    this.members = List.copyOf(members);
    this.credentials = credentials;
    this.brokerOptions = List.copyOf(brokerOptions);
  }

  /** Starts brokers until {@code count} are running. */
  public void ensure(int count) throws Exception {
    running.values().removeIf(process -> !process.isAlive());
    while (running.size() < count) {
      if (nextHost >= hosts.size()) {
        throw new IllegalStateException("no unused broker address left among " + hosts);
      }
      String host = hosts.get(nextHost++);
      String name = "broker-" + host;
      credentials.member(name, host);
      List<String> args = new ArrayList<>(List.of("broker", "--host", host, "--members", String.join(",", members),
          "--credentials", credentials.dir().toString(), "--member", name));
      args.addAll(brokerOptions);
      running.put(host, BatonProcess.start("broker up on " + host, args.toArray(String[]::new)));
    }
  }

  public Optional<BatonProcess> at(String host) {
    return Optional.ofNullable(running.get(host));
  }

  /** SIGKILL to the broker on {@code host}. */
  public void kill(String host) throws InterruptedException {
    BatonProcess process = running.remove(host);
    if (process == null) {
      throw new IllegalArgumentException("no broker runs on " + host + "; running: " + running.keySet());
    }
    process.kill();
  }

  public List<String> runningHosts() {
    return List.copyOf(running.keySet());
  }

  @Override
  public void close() throws InterruptedException {
    for (BatonProcess process : running.values()) {
      process.close();
    }
    running.clear();
  }
}
