package io.baton.agent.runtime.runc;

import io.baton.agent.runtime.container.HostCommand;
import io.baton.agent.transfer.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The network a runc site gives its networked containers, made with iproute2: one bridge per site
 * holding the subnet's first address, and per container a network namespace (what runc joins and
 * CRIU treats as external, so a restore can land in another one) with a veth pair whose host end
 * is on the bridge. The host reaches a service at its container's address directly; the address
 * is the container's while it lives, and a container restored at another site gets that site's.
 *
 * <p>Addresses are handed out from a file under the site's root, one per line, so two agents of
 * one site never share one; a site's subnet must be its own on the host.
 */
final class SiteNetwork {
  private final String subnet;
  private final byte[] base;
  private final String bridge;
  private final Path leases;
  private final Duration deadline;

  /** {@code subnet}: an IPv4 /24 such as 10.233.1.0/24. */
  SiteNetwork(String subnet, Path root, Duration deadline) {
    this.subnet = subnet;
    this.base = network(subnet);
    this.bridge = "brc-" + HexFormat.of().formatHex(Hashes.sha256(subnet.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    this.leases = root.resolve("address-leases");
    this.deadline = deadline;
  }

  /** The subnet's network address; refuses anything but an IPv4 /24 written as a.b.c.0/24. */
  static byte[] network(String subnet) {
    String refusal = "a runc site's subnet is an IPv4 /24 such as 10.233.1.0/24, got '" + subnet + "'";
    if (!subnet.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.0/24")) {
      throw new IllegalArgumentException(refusal);
    }
    try {
      return ((Inet4Address) InetAddress.getByName(subnet.substring(0, subnet.indexOf('/')))).getAddress();
    } catch (UnknownHostException | ClassCastException e) {
      throw new IllegalArgumentException(refusal);
    }
  }

  String subnet() {
    return subnet;
  }

  /** Creates the site's bridge with the gateway address, unless it exists. */
  synchronized void init() {
    if (HostCommand.attempt(List.of("ip", "link", "show", bridge), deadline).ok()) {
      return;
    }
    HostCommand.run(List.of("ip", "link", "add", bridge, "type", "bridge"), deadline);
    HostCommand.run(List.of("ip", "addr", "add", address(1) + "/24", "dev", bridge), deadline);
    HostCommand.run(List.of("ip", "link", "set", bridge, "up"), deadline);
  }

  /**
   * A namespace for container {@code id} joined to the bridge at a free address; returns the
   * namespace's path (for the bundle) and the address.
   */
  synchronized Attachment attach(String id) {
    String address = lease(id);
    String netns = namespace(id);
    String hostEnd = "vh" + shortHash(id);
    String peer = "vp" + shortHash(id);
    try {
      HostCommand.run(List.of("ip", "netns", "add", netns), deadline);
      HostCommand.run(List.of("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", peer), deadline);
      HostCommand.run(List.of("ip", "link", "set", peer, "netns", netns), deadline);
      HostCommand.run(List.of("ip", "link", "set", hostEnd, "master", bridge, "up"), deadline);
      HostCommand.run(List.of("ip", "-n", netns, "link", "set", peer, "name", "eth0"), deadline);
      HostCommand.run(List.of("ip", "-n", netns, "addr", "add", address + "/24", "dev", "eth0"), deadline);
      HostCommand.run(List.of("ip", "-n", netns, "link", "set", "eth0", "up"), deadline);
      HostCommand.run(List.of("ip", "-n", netns, "link", "set", "lo", "up"), deadline);
      HostCommand.run(List.of("ip", "-n", netns, "route", "add", "default", "via", address(1)), deadline);
    } catch (RuntimeException failed) {
      detach(id);
      throw failed;
    }
    return new Attachment(Path.of("/var/run/netns", netns), address);
  }

  /** Removes the container's namespace (its veth pair goes with it) and frees its address. */
  synchronized void detach(String id) {
    HostCommand.attempt(List.of("ip", "netns", "delete", namespace(id)), deadline);
    HostCommand.attempt(List.of("ip", "link", "delete", "vh" + shortHash(id)), deadline);
    release(id);
  }

  record Attachment(Path namespace, String address) {
  }

  private static String namespace(String id) {
    return "baton-" + shortHash(id);
  }

  private static String shortHash(String id) {
    return HexFormat.of().formatHex(Hashes.sha256(id.getBytes(StandardCharsets.UTF_8))).substring(0, 10);
  }

  private String address(int host) {
    return (base[0] & 0xff) + "." + (base[1] & 0xff) + "." + (base[2] & 0xff) + "." + host;
  }

  private String lease(String id) {
    List<String> held = leaseLines();
    for (int host = 2; host < 255; host++) {
      String candidate = address(host);
      if (held.stream().noneMatch(line -> line.startsWith(candidate + " "))) {
        writeLeases(java.util.stream.Stream.concat(held.stream(), java.util.stream.Stream.of(candidate + " " + id)).toList());
        return candidate;
      }
    }
    throw new IllegalStateException("no free address left in " + subnet + " (253 networked containers run here)");
  }

  private void release(String id) {
    writeLeases(leaseLines().stream().filter(line -> !line.endsWith(" " + id)).toList());
  }

  private List<String> leaseLines() {
    try {
      return Files.exists(leases) ? Files.readAllLines(leases).stream().filter(l -> !l.isBlank()).toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeLeases(List<String> lines) {
    try {
      Files.write(leases, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
