package io.baton.agent.runtime.container;

import io.vertx.core.net.SocketAddress;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What a site's container backend does for the container runtime: containers from images,
 * CRIU checkpoints into directories the agent reads and writes, a writable layer on disk, and
 * images as layers by diff id. The runtime, its handoff stages and the transfer endpoint are
 * written once against this; a backend is the Docker Engine ({@code runtime.docker}) or runc and
 * CRIU driven directly ({@code runtime.runc}).
 *
 * <p>Every method blocks (a daemon, runc or CRIU behind it): call them from worker threads only.
 * Every call ends within the engine's {@link #deadlines()}; a checkpoint or restore past its
 * deadline fails with {@link EngineDeadlines.EngineDeadlineException} after the stuck runc and CRIU
 * under it were ended, the container thawed and running on (checkpoint) or removable (restore).
 */
public interface ContainerEngine extends AutoCloseable {
  /** The label (Docker) or name prefix (runc) that marks every container Baton makes. */
  String INSTANCE_LABEL = "io.baton.instance";

  /** The runtime name a site running on this backend answers to ({@code --runtime}). */
  String runtimeName();

  /** Where the backend is, for messages: a daemon's address or a state directory. */
  String host();

  EngineDeadlines deadlines();

  /** Whether {@link #close} ran: a closed engine takes no more calls. */
  boolean closed();

  /** Creates (does not start) a container for the profile; returns its id. */
  String create(String name, ContainerProfile profile);

  void start(String containerId);

  /** Dumps the container with CRIU into {@link #checkpointDir}; {@code exit} stops it for good. */
  void checkpoint(String containerId, String name, boolean exit);

  void deleteCheckpoint(String containerId, String name);

  /** Starts a created or checkpointed container from the checkpoint in {@link #checkpointDir}. */
  void startFromCheckpoint(String containerId, String name);

  /** Where a container's checkpoint lives: where the agent reads a dump and writes one to restore. */
  Path checkpointDir(String containerId, String name);

  /** The container's writable layer: the upper directory of its overlay. */
  Path upperDir(String containerId);

  boolean running(String containerId);

  /** The host pid of the container's first process (0 when it does not run). */
  long initPid(String containerId);

  /** Whether the container's processes are frozen by the cgroup freezer (a dump in progress, or one left behind). */
  boolean frozen(String containerId);

  /** Runs a command in the container; returns its stdout, fails on a non-zero exit. */
  String exec(String containerId, List<String> cmd);

  /** What the container printed since it last started or was restored. */
  String logs(String containerId);

  /** Removes the container and what it holds on disk; removing a missing one does nothing. */
  void remove(String containerId);

  /**
   * Where the host reaches a networked container's {@code port}: it may change at every start or
   * restore, so read it after each.
   */
  SocketAddress serviceAddress(String containerId, int port);

  /** Every container Baton made here. */
  List<String> batonContainers();

  /**
   * Removes every container Baton made here, first ending any runc still checkpointing or
   * restoring one (what an interrupted handoff leaves). Returns how many went.
   */
  default int removeBatonContainers() {
    List<String> ids = batonContainers();
    for (String id : ids) {
      StuckRuntime.end(id, "checkpoint");
      StuckRuntime.end(id, "restore");
      remove(id);
    }
    return ids.size();
  }

  boolean hasImage(String image);

  /** The image's layers, bottom first, as diff ids. */
  List<String> diffIds(String image);

  /** The chain ids of every layer of every image held here. */
  Set<String> chainIds();

  /** The image as a docker-save archive (manifest.json, the config, one tar per layer). */
  InputStream save(String image);

  /**
   * Loads a docker-save archive. Its manifest names every layer, but the archive may lack the
   * files of layers whose chain this engine holds already.
   */
  void load(InputStream archive);

  /** Removes an image (and its layers no other image uses). */
  void removeImage(String image);

  @Override
  void close();
}
