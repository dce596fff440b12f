package io.baton.agent.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends what an engine is still doing for a container after its caller gave up on it: the runc
 * checkpoint or restore process for that container and everything under it (CRIU). Giving up on
 * the HTTP request is not enough: the engine keeps waiting on runc, and runc freezes the
 * container's cgroup before it calls CRIU, so a hung dump leaves the service paused for good.
 * Killing runc lets the shim report the failure; the cgroup is thawed here if it is still frozen.
 *
 * <p>This works on the engine's own host only, which is where Baton's agent runs beside its
 * site's engine (it reads checkpoints from the engine's data root for the same reason).
 */
public final class StuckRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(StuckRuntime.class);
  private static final Path PROC = Path.of("/proc");
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  private StuckRuntime() {
  }

  /**
   * Kills every runc process working on {@code verb} ("checkpoint" or "restore") of the container,
   * with its descendants. Returns how many runc processes were ended.
   */
  public static int end(String containerId, String verb) {
    int ended = 0;
    for (ProcessHandle runc : runcProcesses(containerId, verb)) {
      List<ProcessHandle> tree = new ArrayList<>(runc.descendants().toList());
      tree.add(runc);
      tree.forEach(ProcessHandle::destroyForcibly);
      LOG.warn("ended a stuck runc {} of container {} (pid {}, {} processes under it)", verb, containerId, runc.pid(),
          tree.size() - 1);
      ended++;
    }
    return ended;
  }

  /**
   * Thaws the cgroup freezer of the process {@code pid} (a container's init) if it is frozen.
   * Returns whether it had to.
   */
  public static boolean thaw(long pid) {
    return freezerOf(pid).filter(Freezer::frozen).map(Freezer::thaw).orElse(false);
  }

  /** Whether the cgroup freezer holds the process {@code pid} frozen now. */
  public static boolean frozen(long pid) {
    return freezerOf(pid).map(Freezer::frozen).orElse(false);
  }

  /** A cgroup's freezer control: v1's {@code freezer.state} (THAWED) or v2's {@code cgroup.freeze} (0). */
  private record Freezer(Path file, String thawed) {
    boolean frozen() {
      return read(file).filter(state -> !state.equals(thawed)).isPresent();
    }

    boolean thaw() {
      return write(file, thawed);
    }
  }

  private static Optional<Freezer> freezerOf(long pid) {
    for (String line : lines(PROC.resolve(Long.toString(pid)).resolve("cgroup"))) {
      String[] fields = line.split(":", 3);
      if (fields.length < 3) {
        continue;
      }
      String group = fields[2].startsWith("/") ? fields[2].substring(1) : fields[2];
      if (List.of(fields[1].split(",")).contains("freezer")) {
        return Optional.of(new Freezer(CGROUPS.resolve("freezer").resolve(group).resolve("freezer.state"), "THAWED"));
      }
      if (fields[0].equals("0") && fields[1].isEmpty() && Files.exists(CGROUPS.resolve(group).resolve("cgroup.freeze"))) {
        return Optional.of(new Freezer(CGROUPS.resolve(group).resolve("cgroup.freeze"), "0"));
      }
    }
    return Optional.empty();
  }

  /** runc invocations whose verb is {@code verb} and whose last argument is the container id. */
  private static List<ProcessHandle> runcProcesses(String containerId, String verb) {
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<Path> pids = Files.list(PROC)) {
      pids.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(dir -> {
        List<String> argv = commandLine(dir);
        if (argv.size() >= 2 && argv.get(0).endsWith("runc") && argv.contains(verb)
            && argv.get(argv.size() - 1).equals(containerId)) {
          ProcessHandle.of(Long.parseLong(dir.getFileName().toString())).ifPresent(found::add);
        }
      });
    } catch (IOException e) {
      LOG.warn("cannot list processes to end a stuck runc {} of {}: {}", verb, containerId, e.getMessage());
    }
    return found;
  }

  private static List<String> commandLine(Path procDir) {
    try {
      String raw = new String(Files.readAllBytes(procDir.resolve("cmdline")), StandardCharsets.UTF_8);
      return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
    } catch (IOException | SecurityException gone) {
      return List.of(); // the process ended while we looked
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException gone) {
      return List.of();
    }
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file).strip());
    } catch (IOException absent) {
      return Optional.empty();
    }
  }

  private static boolean write(Path file, String value) {
    try {
      Files.writeString(file, value);
      LOG.warn("thawed {} after a stuck CRIU call", file);
      return true;
    } catch (IOException e) {
      LOG.warn("cannot thaw {}: {}", file, e.getMessage());
      return false;
    }
  }
}
