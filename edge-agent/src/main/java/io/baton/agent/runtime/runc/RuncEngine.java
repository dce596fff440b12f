package io.baton.agent.runtime.runc;

import io.baton.agent.runtime.container.HostCommand;
import io.baton.agent.runtime.container.ContainerProfile;
import io.baton.agent.runtime.container.PostCopyEngine;
import io.baton.agent.runtime.container.EngineDeadlines;
import io.baton.agent.runtime.container.EngineDeadlines.EngineDeadlineException;
import io.baton.agent.runtime.container.StuckRuntime;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.baton.protocol.security.MemberCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A site's containers run by runc and dumped by CRIU directly, with no daemon: Baton keeps the
 * OCI bundles itself. Per container, under the site's root:
 *
 * <pre>
 * containers/ID/config.json        the bundle's runtime spec, from the image's (umoci) and the profile
 * containers/ID/rootfs             overlay: the unpacked image below, upper/ above (the writable layer)
 * containers/ID/checkpoints/NAME   CRIU image directories, what the handoff reads and writes
 * containers/ID/log                what the container printed since its last start or restore
 * </pre>
 *
 * Images are an OCI layout handled by skopeo and umoci ({@link OciImages}); networked containers
 * get a namespace on the site's bridge ({@link SiteNetwork}). runc's state lives in the site's
 * own {@code runc/} root, so two sites on one host never see each other's containers.
 *
 * <p>Every runc, CRIU, skopeo, umoci or ip call runs under the deadline of its kind. A checkpoint
 * past its deadline has its runc and CRIU killed and the container thawed, so it runs on; a
 * restore past its deadline has them killed and leaves a container the caller removes.
 */
public final class RuncEngine implements PostCopyEngine {
  private static final String RUNC = "runc";
  private static final long LAZY_PIPE_BYTES = 4L << 20;

  private final Settings settings;
  private final Path containers;
  private final Path stateRoot;
  private final OciImages images;
  private final SiteNetwork network;
  private final Optional<PageTls> pageTls;
  private volatile boolean closed;

  /**
   * @param root        the site's directory (images, bundles, runc state)
   * @param subnet      the /24 its networked containers take addresses from, its own on the host
   * @param deadlines   per kind of call
   * @param imageSource a Docker Engine an image this site lacks is copied from when first asked
   *                    for (skopeo's docker-daemon transport); empty: images only arrive by handoff
   * @param criu        the CRIU runc and the page daemons run ("criu": the one on PATH)
   * @param credentials the member's: with them CRIU's page traffic (page server, lazy pages) runs
   *                    over mutual TLS ({@link PageTls}); without, in clear, like the rest of an
   *                    unsecured site's transfer plane
   */
  public record Settings(Path root, String subnet, EngineDeadlines deadlines, Optional<String> imageSource, String criu,
      Optional<MemberCredentials> credentials) {
    public Settings(Path root, String subnet, EngineDeadlines deadlines) {
      this(root, subnet, deadlines, Optional.empty());
    }

    public Settings(Path root, String subnet, EngineDeadlines deadlines, Optional<String> imageSource) {
      this(root, subnet, deadlines, imageSource, "criu", Optional.empty());
    }

    /** The same site with another CRIU (a test's stuck one) and other deadlines. */
    public Settings withCriu(String otherCriu, EngineDeadlines otherDeadlines) {
      return new Settings(root, subnet, otherDeadlines, imageSource, otherCriu, credentials);
    }

    /** The same site, its page traffic over TLS with the member's credentials. */
    public Settings withCredentials(MemberCredentials member) {
      return new Settings(root, subnet, deadlines, imageSource, criu, Optional.of(member));
    }

    public Settings {
      if (!root.isAbsolute()) {
        throw new IllegalArgumentException("a runc site's root must be an absolute path, got " + root);
      }
    }
  }

  private RuncEngine(Settings settings) {
    this.settings = settings;
    this.containers = settings.root().resolve("containers");
    this.stateRoot = settings.root().resolve("runc");
    this.images = new OciImages(settings.root(), settings.deadlines().image());
    this.network = new SiteNetwork(settings.subnet(), settings.root(), settings.deadlines().call());
    this.pageTls = settings.credentials().map(member -> PageTls.prepare(member, settings.root().resolve("page-tls"),
        settings.deadlines().call()));
  }

  /** Opens (creating what is missing) the site at {@code settings.root()}; fails when a tool it runs is absent. */
  public static RuncEngine open(Settings settings) {
    List<String> tools = new ArrayList<>(List.of(RUNC, "criu", "skopeo", "umoci", "ip"));
    if (settings.credentials().isPresent()) {
      tools.add("openssl"); // PageTls
    }
    for (String tool : tools) {
      if (!HostCommand.attempt(List.of("sh", "-c", "command -v " + tool), settings.deadlines().call()).ok()) {
        throw new IllegalStateException("the runc runtime needs " + tool + " on PATH (deploy/scripts/setup-test-machine.sh installs it)");
      }
    }
    RuncEngine engine = new RuncEngine(settings);
    try {
      Files.createDirectories(engine.containers);
      Files.createDirectories(engine.stateRoot);
    } catch (IOException e) {
      throw new UncheckedIOException("creating the runc site at " + settings.root(), e);
    }
    engine.images.init();
    engine.network.init();
    return engine;
  }

  @Override
  public String runtimeName() {
    return "runc";
  }

  @Override
  public String host() {
    return settings.root().toString();
  }

  @Override
  public EngineDeadlines deadlines() {
    return settings.deadlines();
  }

  @Override
  public boolean closed() {
    return closed;
  }

  /** Copies {@code image} from a Docker Engine into this site's images, unless it is here. */
  public void importImage(String image, String dockerHost) {
    images.importFrom(image, dockerHost);
  }

  @Override
  public String create(String name, ContainerProfile profile) {
    OciImages.Unpacked image = images.unpacked(imageHere(profile.image()));
    // runc ids are unique per state root; a suffix keeps a handoff's target container apart from
    // one of the same instance still being removed.
    String id = name + "-" + String.format("%08x", ThreadLocalRandom.current().nextInt());
    Path dir = containers.resolve(id);
    try {
      for (String sub : List.of("upper", "work", "rootfs", "checkpoints", "criu-work")) {
        Files.createDirectories(dir.resolve(sub));
      }
      HostCommand.run(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + image.rootfs() + ",upperdir="
          + dir.resolve("upper") + ",workdir=" + dir.resolve("work"), dir.resolve("rootfs").toString()), deadlines().call());
      Optional<SiteNetwork.Attachment> attachment = profile.networked() ? Optional.of(network.attach(id)) : Optional.empty();
      if (attachment.isPresent()) {
        Files.writeString(dir.resolve("address"), attachment.get().address());
      }
      JsonObject spec = BundleSpec.of(image.config(), dir.resolve("rootfs"), profile, id,
          attachment.map(SiteNetwork.Attachment::namespace), pageTls.map(PageTls::criuConfig));
      Files.writeString(dir.resolve("config.json"), spec.encodePrettily());
      return id;
    } catch (IOException | RuntimeException failed) {
      remove(id);
      if (failed instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new UncheckedIOException("creating container " + id, (IOException) failed);
    }
  }

  private String imageHere(String image) {
    if (!images.has(image) && settings.imageSource().isPresent()) {
      images.importFrom(image, settings.imageSource().get());
    }
    return image;
  }

  @Override
  public void start(String containerId) {
    Path dir = bundle(containerId);
    detached(containerId, List.of("run", "--detach", "--bundle", dir.toString(), containerId), deadlines().call(), "start");
  }

  /**
   * Runs a runc command that hands its stdio to the container ({@code run} or {@code restore
   * --detach}) and waits for runc to exit. Past the deadline runc and what it started are killed.
   */
  private void detached(String containerId, List<String> args, Duration deadline, String verb) {
    Path dir = bundle(containerId);
    Path runcLog = dir.resolve("runc.log");
    List<String> command = new ArrayList<>(runcLine("--log", runcLog.toString(), "--log-format", "json"));
    command.addAll(args);
    try {
      Files.deleteIfExists(runcLog);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    OptionalInt exit = ContainerConsole.run(command, dir.resolve("log"), dir.resolve("runc.status"), deadline);
    if (exit.isEmpty()) {
      StuckRuntime.end(containerId, verb);
      throw new EngineDeadlineException("runc " + verb + " of container " + containerId + " did not finish within "
          + deadline.toMillis() + " ms (runc and CRIU ended)");
    }
    if (exit.getAsInt() != 0) {
      throw new RuncException("runc " + verb + " of " + containerId + " failed: " + runcError(runcLog, dir));
    }
  }

  /** runc's own last error (its --log is JSON lines), else the end of the container's log. */
  private static String runcError(Path runcLog, Path dir) {
    try {
      if (Files.exists(runcLog)) {
        List<String> lines = Files.readAllLines(runcLog);
        for (int i = lines.size() - 1; i >= 0; i--) {
          if (!lines.get(i).startsWith("{")) {
            continue;
          }
          JsonObject line = new JsonObject(lines.get(i));
          if ("error".equals(line.getString("level")) || "fatal".equals(line.getString("level"))) {
            return line.getString("msg", lines.get(i));
          }
        }
      }
      return HostCommand.lastLines(Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "");
    } catch (IOException | RuntimeException unreadable) {
      return "no reason recorded (" + unreadable.getMessage() + ")";
    }
  }

  @Override
  public void checkpoint(String containerId, String name, boolean exit) {
    Path images = checkpointDir(containerId, name);
    Path work = bundle(containerId).resolve("criu-work").resolve(name);
    OciImages.deleteTree(images);
    OciImages.deleteTree(work);
    List<String> command = new ArrayList<>(List.of("checkpoint", "--image-path", images.toString(), "--work-path",
        work.toString()));
    if (!exit) {
      command.add("--leave-running");
    }
    command.add(containerId);
    try {
      runc(command, deadlines().checkpoint());
    } catch (EngineDeadlineException stuck) {
      int ended = StuckRuntime.end(containerId, "checkpoint");
      thaw(containerId);
      throw new EngineDeadlineException("checkpoint of container " + containerId + " did not finish within "
          + deadlines().checkpoint().toMillis() + " ms (CRIU stuck; " + ended + " runc ended, the container runs on)");
    } catch (RuncException failed) {
      thaw(containerId);
      throw new RuncException(failed.getMessage() + criuLog(work, "dump.log"));
    }
  }

  @Override
  public void deleteCheckpoint(String containerId, String name) {
    OciImages.deleteTree(checkpointDir(containerId, name));
    OciImages.deleteTree(bundle(containerId).resolve("criu-work").resolve(name));
  }

  @Override
  public void startFromCheckpoint(String containerId, String name) {
    Path images = checkpointDir(containerId, name);
    if (!Files.isDirectory(images)) {
      throw new IllegalArgumentException("no checkpoint " + name + " of " + containerId);
    }
    Path work = bundle(containerId).resolve("criu-work").resolve(name + "-restore");
    OciImages.deleteTree(work);
    try {
      Files.createDirectories(work);
      detached(containerId, List.of("restore", "--detach", "--image-path", images.toString(), "--work-path", work.toString(),
          "--bundle", bundle(containerId).toString(), containerId), deadlines().restore(), "restore");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuncException failed) {
      HostCommand.attempt(runcLine("delete", "--force", containerId), deadlines().call());
      throw new RuncException(failed.getMessage() + criuLog(work, "restore.log"));
    }
  }

  // What only runc exposes (Docker, containerd and Podman do not): CRIU's page server, lazy
  // pages and parent-chained pre-dumps, the parts a post-copy or iterative container handoff is
  // made of.

  /**
   * A checkpoint whose memory pages go straight to a CRIU page server ({@link #receivePages}, at
   * another site) instead of into this site's images directory, which gets the rest of the state.
   */
  public void checkpointToPageServer(String containerId, String name, String address, int port, boolean exit) {
    Path images = checkpointDir(containerId, name);
    Path work = bundle(containerId).resolve("criu-work").resolve(name);
    OciImages.deleteTree(images);
    OciImages.deleteTree(work);
    List<String> command = new ArrayList<>(List.of("checkpoint", "--image-path", images.toString(), "--work-path",
        work.toString(), "--page-server", address + ":" + port));
    if (!exit) {
      command.add("--leave-running");
    }
    command.add(containerId);
    try {
      runc(command, deadlines().checkpoint());
    } catch (EngineDeadlineException stuck) {
      StuckRuntime.end(containerId, "checkpoint");
      thaw(containerId);
      throw stuck;
    } catch (RuncException failed) {
      thaw(containerId);
      throw new RuncException(failed.getMessage() + criuLog(work, "dump.log"));
    }
  }

  /**
   * A page server for container {@code containerId}'s checkpoint {@code name}, listening on
   * address:port, which writes the pages a {@link #checkpointToPageServer} sends into that
   * checkpoint's directory here and ends when the dump is done ({@link CriuDaemon#await}).
   */
  public CriuDaemon receivePages(String containerId, String name, String address, int port) {
    Path images = checkpointDir(containerId, name);
    OciImages.deleteTree(images);
    CriuDaemon server = CriuDaemon.pageServer(settings.criu(), images, address, port, tlsFlags());
    server.awaitListening(port, deadlines().call());
    return server;
  }

  /**
   * Restores from a checkpoint here with lazy pages (post-copy): the container runs once its
   * state but its memory is back, and each page it touches is faulted in (userfaultfd) by a
   * lazy-pages daemon from the checkpoint's pages, which also pushes the rest in and then ends;
   * {@link CriuDaemon#await} on the returned daemon waits until every page is in.
   */
  public CriuDaemon startFromCheckpointLazily(String containerId, String name) {
    Path images = checkpointDir(containerId, name);
    if (!Files.isDirectory(images)) {
      throw new IllegalArgumentException("no checkpoint " + name + " of " + containerId);
    }
    return lazily(containerId, name, CriuDaemon.lazyPages(settings.criu(), images));
  }

  /** A restore with lazy pages whose faults {@code daemon} answers; the daemon is returned running. */
  private CriuDaemon lazily(String containerId, String name, CriuDaemon daemon) {
    Path images = checkpointDir(containerId, name);
    try {
      daemon.awaitReady(images.resolve("lazy-pages.socket"), deadlines().call());
      // The restore finds the daemon's socket in its work directory: both are the images directory.
      detached(containerId, List.of("restore", "--detach", "--lazy-pages", "--image-path", images.toString(), "--work-path",
          images.toString(), "--bundle", bundle(containerId).toString(), containerId), deadlines().restore(), "restore");
      return daemon;
    } catch (RuntimeException failed) {
      daemon.close();
      HostCommand.attempt(runcLine("delete", "--force", containerId), deadlines().call());
      if (failed instanceof RuncException) {
        throw new RuncException(failed.getMessage() + criuLog(images, "restore.log") + criuLog(images, "lazy-pages.log"));
      }
      throw failed;
    }
  }

  /**
   * A lazy (post-copy) checkpoint: the container's state but its memory goes into the checkpoint
   * directory, then runc's CRIU serves the frozen container's pages on {@code address:port} to
   * one lazy restore ({@link #startFromLazySource}, at another site) until that holds them all,
   * and ends; the source keeps its frozen copy until then. Returns once the pages are being
   * served. {@link CriuDaemon#await} waits for the end: exit 0 means the target holds every page;
   * a failure leaves the container running here (runc thaws it).
   */
  @Override
  public LazyPages checkpointLazily(String containerId, String name, String address, int port) {
    requirePipeSize();
    Path images = checkpointDir(containerId, name);
    Path work = bundle(containerId).resolve("criu-work").resolve(name);
    OciImages.deleteTree(images);
    OciImages.deleteTree(work);
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Paused first, the container stays frozen after CRIU lets go of it (CRIU puts the freezer
    // back as it found it), whether the target took every page or died halfway; --leave-running
    // keeps CRIU from killing it. The frozen copy is what an abort resumes.
    HostCommand.run(runcLine("pause", containerId), deadlines().call());
    CriuDaemon source = CriuDaemon.lazyCheckpoint(runcLine("checkpoint", "--lazy-pages", "--leave-running",
        "--page-server", address + ":" + port, "--status-fd", "3", "--image-path", images.toString(), "--work-path",
        work.toString(), containerId), work.resolve("status"), work.resolve("runc.out"));
    try {
      source.awaitReady(work.resolve("status"), deadlines().checkpoint());
      return new SourcePages(source, containerId, work);
    } catch (RuntimeException failed) {
      source.close();
      StuckRuntime.end(containerId, "checkpoint");
      resumeFrozen(containerId);
      throw new RuncException(failed.getMessage() + criuLog(work, "dump.log"));
    }
  }

  /**
   * Compares the paused container's memory with the parent's pages ({@link UnchangedPages}). Its
   * processes are found with {@code runc ps} and named by their pid inside the container, as the
   * checkpoint names them.
   */
  @Override
  public ParentPages referToParent(String containerId, String name, String parent) {
    HostCommand.Result listed = runcAttempt(List.of("ps", "--format", "json", containerId), deadlines().call());
    if (!listed.ok()) {
      throw new RuncException("no processes of " + containerId + " to compare: " + listed.output().strip());
    }
    java.util.Map<Long, Path> memories = new java.util.HashMap<>();
    for (Object pid : new io.vertx.core.json.JsonArray(listed.output().strip())) {
      long hostPid = ((Number) pid).longValue();
      containerPid(hostPid).ifPresent(inside -> memories.put(inside, Path.of("/proc", Long.toString(hostPid), "mem")));
    }
    try {
      return UnchangedPages.markInParent(checkpointDir(containerId, name), checkpointDir(containerId, parent), memories);
    } catch (IOException e) {
      throw new UncheckedIOException("comparing " + name + " of " + containerId + " with " + parent, e);
    }
  }

  /** The pid a host process has in its own (innermost) pid namespace: the last of its NSpid line. */
  private static Optional<Long> containerPid(long hostPid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(hostPid), "status"))) {
        if (line.startsWith("NSpid:")) {
          String[] pids = line.substring("NSpid:".length()).trim().split("\\s+");
          return Optional.of(Long.parseLong(pids[pids.length - 1]));
        }
      }
    } catch (IOException | NumberFormatException gone) {
      // An exited process has nothing to compare.
    }
    return Optional.empty();
  }

  private List<String> tlsFlags() {
    return pageTls.map(PageTls::flags).orElse(List.of());
  }

  /**
   * The lazy-pages daemon dials the site's page relay, whose address is not the one in the source's
   * certificate, so it checks only that a cluster member holds that certificate (the CA chain);
   * which member is the relay's business: it reached the source's plane over mutual TLS.
   */
  private List<String> lazyPagesTlsFlags() {
    return pageTls.map(tls -> {
      List<String> flags = new java.util.ArrayList<>(tls.flags());
      flags.add("--tls-no-cn-verify");
      return List.copyOf(flags);
    }).orElse(List.of());
  }

  @Override
  public void resumeFrozen(String containerId) {
    HostCommand.Result resumed = HostCommand.attempt(runcLine("resume", containerId), deadlines().call());
    // A checkpoint killed halfway can leave the freezer FROZEN behind runc's back ("running" to runc).
    thaw(containerId);
    if (!running(containerId)) {
      throw new RuncException("container " + containerId + " does not run after its resume: " + resumed.output());
    }
  }

  /**
   * The source side of a post-copy transfer: runc's lazy checkpoint serving the paused container's
   * pages. Closing it ends the serving (runc and CRIU killed if still at it) and leaves the container
   * frozen, for {@link #resumeFrozen} or {@link #remove}.
   */
  private static final class SourcePages implements LazyPages {
    private final CriuDaemon checkpoint;
    private final String containerId;
    private final Path work;

    SourcePages(CriuDaemon checkpoint, String containerId, Path work) {
      this.checkpoint = checkpoint;
      this.containerId = containerId;
      this.work = work;
    }

    /** Fails with CRIU's own reason when the serving failed (a peer that is not a TLS member, one that vanished). */
    @Override
    public void await(Duration deadline) {
      try {
        checkpoint.await(deadline);
      } catch (RuncException failed) {
        throw new RuncException(failed.getMessage() + criuLog(work, "dump.log"));
      }
    }

    @Override
    public boolean alive() {
      return checkpoint.alive();
    }

    @Override
    public void close() {
      if (checkpoint.alive()) {
        checkpoint.close();
        StuckRuntime.end(containerId, "checkpoint");
      }
    }
  }

  /**
   * Restores lazily from another site's lazy checkpoint: the container here runs once its state
   * but its memory is in {@link #checkpointDir}, and a lazy-pages daemon fetches each page from
   * the source's page server as it is touched, pushing the rest in the background. {@link
   * CriuDaemon#await} on the returned daemon waits until every page is here.
   */
  @Override
  public CriuDaemon startFromLazySource(String containerId, String name, String sourceAddress, int sourcePort) {
    return lazily(containerId, name, CriuDaemon.lazyPagesFrom(settings.criu(), checkpointDir(containerId, name), sourceAddress, sourcePort,
        lazyPagesTlsFlags()));
  }

  /**
   * CRIU's lazy page server grows a pipe to 4 MiB (PIPE_MAX_SIZE pages) and, refused, serves the
   * first fault into fd -1: without CAP_SYS_RESOURCE, which this host's root lacks, that needs
   * fs.pipe-max-size of at least 4 MiB.
   */
  private static void requirePipeSize() {
    try {
      long max = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/fs/pipe-max-size")).get(0).strip());
      if (max < LAZY_PIPE_BYTES) {
        throw new IllegalStateException("lazy checkpoints need fs.pipe-max-size >= " + LAZY_PIPE_BYTES + " (it is " + max
            + "; CRIU's lazy page server grows a pipe to 4 MiB): sysctl -w fs.pipe-max-size=" + LAZY_PIPE_BYTES);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A leave-running pre-dump, chained to an earlier pre-dump {@code parent} of the container, so
   * that CRIU writes only the pages dirtied since. CRIU needs the kernel's soft-dirty tracking for
   * it; where that is off, this is refused before runc is asked and the container runs on.
   */
  public void preDump(String containerId, String name, Optional<String> parent) {
    if (!memoryTracking()) {
      throw new UnsupportedOperationException("pre-dumps need the kernel's soft-dirty memory tracking, which is off on this"
          + " host (criu check --feature mem_dirty_track)");
    }
    Path images = checkpointDir(containerId, name);
    OciImages.deleteTree(images);
    List<String> command = new ArrayList<>(List.of("checkpoint", "--pre-dump", "--image-path", images.toString()));
    parent.ifPresent(p -> command.addAll(List.of("--parent-path", "../" + checkpointDir(containerId, p).getFileName())));
    command.add(containerId);
    runc(command, deadlines().checkpoint());
  }

  /** Whether CRIU can track dirtied memory here (what pre-dumps need). */
  public boolean memoryTracking() {
    return HostCommand.attempt(List.of(settings.criu(), "check", "--feature", "mem_dirty_track"), deadlines().call()).ok();
  }

  /** The last lines of CRIU's log of a failed dump or restore, where its reason is. */
  private static String criuLog(Path work, String file) {
    try {
      Path log = work.resolve(file);
      if (!Files.exists(log)) {
        return "";
      }
      // Two errors CRIU logs on every run here (an rlimit root may not raise, a descriptor closed twice) say nothing.
      List<String> errors = Files.readAllLines(log).stream().filter(l -> l.contains("Error") || l.contains("rror ("))
          .filter(l -> !l.contains("RLIMIT_NOFILE") && !l.contains("Unable to close fd")).toList();
      return errors.isEmpty() ? "" : " (CRIU: " + String.join(" | ", errors.subList(Math.max(0, errors.size() - 3),
          errors.size())).strip() + ")";
    } catch (IOException e) {
      return "";
    }
  }

  private void thaw(String containerId) {
    long pid = initPid(containerId);
    if (pid > 0 && StuckRuntime.frozen(pid)) {
      StuckRuntime.thaw(pid);
    }
  }

  @Override
  public Path checkpointDir(String containerId, String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("not a checkpoint name: " + name);
    }
    return bundle(containerId).resolve("checkpoints").resolve(name);
  }

  @Override
  public Path upperDir(String containerId) {
    return bundle(containerId).resolve("upper");
  }

  @Override
  public boolean running(String containerId) {
    return "running".equals(state(containerId).getString("status"));
  }

  @Override
  public boolean frozen(String containerId) {
    long pid = initPid(containerId);
    return "paused".equals(state(containerId).getString("status")) || (pid > 0 && StuckRuntime.frozen(pid));
  }

  /** The host pid of the container's first process (0 when it does not run). */
  public long initPid(String containerId) {
    return state(containerId).getLong("pid", 0L);
  }

  /** runc's view of the container; empty when runc holds no such container (created here, not started; or ended). */
  private JsonObject state(String containerId) {
    HostCommand.Result result = HostCommand.attempt(runcLine("state", containerId),
        deadlines().call());
    if (!result.ok()) {
      return new JsonObject();
    }
    return new JsonObject(result.output());
  }

  @Override
  public String exec(String containerId, List<String> cmd) {
    List<String> command = new ArrayList<>(List.of("exec", containerId));
    command.addAll(cmd);
    HostCommand.Result result = runcAttempt(command, deadlines().exec());
    if (!result.ok()) {
      throw new IllegalStateException(cmd + " exited with " + result.exit() + ": " + result.output().strip());
    }
    return result.output();
  }

  @Override
  public String logs(String containerId) {
    return ContainerConsole.read(bundle(containerId).resolve("log"));
  }

  @Override
  public void remove(String containerId) {
    Path dir = containers.resolve(containerId);
    HostCommand.attempt(runcLine("delete", "--force", containerId), deadlines().call());
    unmountUnder(dir);
    network.detach(containerId);
    OciImages.deleteTree(dir);
  }

  /**
   * Unmounts everything mounted under the container's directory, deepest first: its overlay root,
   * and what a CRIU that failed or was killed midway left in its work directory (its cgroup yard).
   */
  private void unmountUnder(Path dir) {
    List<String> mounts;
    try {
      mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(line -> line.split(" ")[1])
          .filter(point -> point.equals(dir.toString()) || point.startsWith(dir + "/")).distinct()
          .sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the host's mounts", e);
    }
    for (String point : mounts) {
      HostCommand.Result result = HostCommand.attempt(List.of("umount", point), deadlines().call());
      if (!result.ok()) {
        HostCommand.attempt(List.of("umount", "--lazy", point), deadlines().call());
      }
    }
  }

  @Override
  public SocketAddress serviceAddress(String containerId, int port) {
    try {
      Path address = bundle(containerId).resolve("address");
      if (!Files.exists(address)) {
        throw new IllegalStateException("container " + containerId + " has no network of its own at " + host());
      }
      return SocketAddress.inetSocketAddress(port, Files.readString(address).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<String> batonContainers() {
    try (Stream<Path> listing = Files.list(containers)) {
      return listing.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean hasImage(String image) {
    return images.has(imageHere(image));
  }

  @Override
  public List<String> diffIds(String image) {
    return images.diffIds(image);
  }

  @Override
  public Set<String> chainIds() {
    return images.chainIds();
  }

  @Override
  public InputStream save(String image) {
    return images.save(image);
  }

  @Override
  public void load(InputStream archive) {
    images.load(archive);
  }

  @Override
  public void removeImage(String image) {
    images.remove(image);
  }

  @Override
  public void close() {
    closed = true;
  }

  private Path bundle(String containerId) {
    if (!containerId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("not a container id: " + containerId);
    }
    Path dir = containers.resolve(containerId);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no container " + containerId + " at " + host());
    }
    return dir;
  }

  private String runc(List<String> args, Duration deadline) {
    HostCommand.Result result = runcAttempt(args, deadline);
    if (!result.ok()) {
      throw new RuncException("runc " + args.get(0) + " failed: " + HostCommand.lastLines(result.output()));
    }
    return result.output();
  }

  /** runc with this site's state root and CRIU, then {@code args}. */
  private List<String> runcLine(String... args) {
    List<String> command = new ArrayList<>(List.of(RUNC, "--root", stateRoot.toString(), "--criu", settings.criu()));
    command.addAll(List.of(args));
    return command;
  }

  private HostCommand.Result runcAttempt(List<String> args, Duration deadline) {
    List<String> command = new ArrayList<>(runcLine());
    command.addAll(args);
    return HostCommand.attempt(command, deadline);
  }

  /** runc refused or failed a call; the message is its reason (and CRIU's, for a dump or restore). */
  public static final class RuncException extends RuntimeException {
    public RuncException(String message) {
      super(message);
    }
  }
}
