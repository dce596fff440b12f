package io.baton.agent.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a TCP port is listening in a network namespace, asked of the kernel (/proc/PID/net/tcp
 * and tcp6, state 0A) rather than by connecting: a service that accepts one connection, or a CRIU
 * daemon that takes the first connection for its peer's, must not be handed a probe's.
 */
public final class ListeningSockets {
  private static final String LISTEN = "0A";

  private ListeningSockets() {
  }

  /** In the network namespace of process {@code pid} (a container's first process). */
  public static boolean listening(long pid, int port) {
    Path net = Path.of("/proc", String.valueOf(pid), "net");
    return listeningIn(net.resolve("tcp"), port) || listeningIn(net.resolve("tcp6"), port);
  }

  /** In this process's own network namespace. */
  public static boolean listeningHere(int port) {
    return listening(ProcessHandle.current().pid(), port);
  }

  private static boolean listeningIn(Path table, int port) {
    String local = String.format(":%04X", port);
    List<String> lines;
    try {
      lines = Files.readAllLines(table);
    } catch (IOException gone) {
      return false;
    }
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length > 3 && fields[1].endsWith(local) && fields[3].equals(LISTEN)) {
        return true;
      }
    }
    return false;
  }
}
