package io.baton.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.baton.agent.runtime.container.ContainerEngine;
import io.baton.agent.runtime.container.ContainerProfile;
import io.baton.agent.runtime.container.EngineDeadlines;
import io.baton.agent.runtime.container.EngineDeadlines.EngineDeadlineException;
import io.baton.agent.runtime.container.ImageArchives;
import io.baton.agent.runtime.container.StuckRuntime;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One site's Docker Engine. Every method blocks (HTTP to the daemon, CRIU behind it): call them
 * from worker threads only. Checkpoint and restore go through the raw HTTP client because
 * docker-java has no checkpoint commands; API 1.41 is what Debian's Docker 20.10 speaks.
 *
 * <p>Every call has a deadline ({@link EngineDeadlines}): one HTTP client per kind of call, whose
 * response timeout is that kind's deadline (the daemon sends nothing until a call is done, so
 * the response timeout bounds the whole call). A checkpoint or restore past its deadline fails
 * with {@link EngineDeadlineException} after the stuck runc and CRIU under it were ended and the
 * container thawed, so the container runs on as it was (checkpoint) or can be removed (restore).
 */
public final class DockerEngine implements ContainerEngine {
  public static final String API_VERSION = "1.41";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final String host;
  private final EngineDeadlines deadlines;
  private final DockerHttpClient http;
  private final DockerHttpClient checkpointHttp;
  private final DockerHttpClient restoreHttp;
  private final DockerClient client;
  private final DockerClient execClient;
  private final DockerClient imageClient;
  private final Path dataRoot;
  /** Where engine calls run, so that their callers can stop waiting at the deadline. */
  private final java.util.concurrent.ExecutorService calls = java.util.concurrent.Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "docker-engine-call");
    thread.setDaemon(true);
    return thread;
  });

  public DockerEngine(String dockerHost) {
    this(dockerHost, EngineDeadlines.DEFAULTS);
  }

  public DockerEngine(String dockerHost, EngineDeadlines deadlines) {
    this.host = dockerHost;
    this.deadlines = deadlines;
    this.http = httpClient(dockerHost, deadlines.call());
    this.checkpointHttp = httpClient(dockerHost, deadlines.checkpoint());
    this.restoreHttp = httpClient(dockerHost, deadlines.restore());
    this.client = dockerClient(dockerHost, http);
    this.execClient = dockerClient(dockerHost, httpClient(dockerHost, deadlines.exec()));
    this.imageClient = dockerClient(dockerHost, httpClient(dockerHost, deadlines.image()));
    try {
      this.dataRoot = Path.of(bounded("asking the engine for its data root", deadlines.call(),
          () -> client.infoCmd().exec().getDockerRootDir()));
    } catch (RuntimeException unreachable) {
      calls.shutdownNow();
      throw new DockerEngineException("no Docker Engine answers at " + dockerHost + ": " + rootCause(unreachable).getMessage());
    }
  }

  private static DockerHttpClient httpClient(String dockerHost, Duration responseTimeout) {
    return new ApacheDockerHttpClient.Builder().dockerHost(URI.create(dockerHost)).maxConnections(32)
        .connectionTimeout(CONNECT_TIMEOUT).responseTimeout(responseTimeout).build();
  }

  private static DockerClient dockerClient(String dockerHost, DockerHttpClient http) {
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(dockerHost).withApiVersion(API_VERSION).build();
    return DockerClientImpl.getInstance(config, http);
  }

  @Override
  public String runtimeName() {
    return "docker";
  }

  @Override
  public boolean closed() {
    return calls.isShutdown();
  }

  public EngineDeadlines deadlines() {
    return deadlines;
  }

  public String host() {
    return host;
  }

  public DockerClient client() {
    return client;
  }

  /**
   * Creates (does not start) a container on no network, Baton reaches it through exec; or, with a
   * service port, on the engine's {@link #NETWORK} with that port published on loopback.
   */
  public String create(String name, ContainerProfile profile) {
    HostConfig hostConfig = HostConfig.newHostConfig().withNetworkMode("none");
    if (profile.networked()) {
      publish(hostConfig, profile.port());
    }
    if (profile.memoryMb() > 0) {
      hostConfig.withMemory(profile.memoryMb() * 1024 * 1024).withMemorySwap(profile.memoryMb() * 1024 * 1024);
    }
    if (profile.cpus() > 0) {
      hostConfig.withNanoCPUs((long) (profile.cpus() * 1e9));
    }
    var create = client.createContainerCmd(profile.image()).withName(name).withHostConfig(hostConfig)
        .withLabels(java.util.Map.of(INSTANCE_LABEL, name));
    if (!profile.cmd().isEmpty()) {
      create.withCmd(profile.cmd());
    }
    if (profile.networked()) {
      create.withExposedPorts(com.github.dockerjava.api.model.ExposedPort.tcp(profile.port()));
      try {
        return bounded("creating container " + name, deadlines.call(), () -> create.exec().getId());
      } catch (com.github.dockerjava.api.exception.NotFoundException missing) {
        throw new DockerEngineException("cannot create " + name + " on " + host + ": " + missing.getMessage().strip()
            + " (a missing network " + NETWORK + ": docker-engine.sh start or network SITE creates it)");
      }
    }
    return bounded("creating container " + name, deadlines.call(), () -> create.exec().getId());
  }

  /** The bridge network docker-engine.sh gives every engine (its own subnet and bridge) for services with a port. */
  public static final String NETWORK = "baton-net";

  /**
   * Puts a networked service on {@link #NETWORK}, its port published on 127.0.0.1 at a host port
   * the engine picks ({@link #publishedPort} reads it back). The engines run with "iptables":
   * false, so no DNAT rule exists, but Docker 20.10 still starts its userland proxy
   * (/usr/sbin/docker-proxy: -host-ip 127.0.0.1 -host-port P -container-ip IP -container-port
   * 8080), which relays each loopback connection to the container's bridge address; the host
   * reaches that address directly (the bridge is a host interface), so neither ip forwarding nor
   * NAT is needed and the agent only ever talks to loopback. The proxy is the engine's: a restore
   * at another engine gets another proxy and host port.
   */
  private static void publish(HostConfig hostConfig, int port) {
    hostConfig.withNetworkMode(NETWORK).withPortBindings(new com.github.dockerjava.api.model.PortBinding(
        com.github.dockerjava.api.model.Ports.Binding.bindIp("127.0.0.1"),
        com.github.dockerjava.api.model.ExposedPort.tcp(port)));
  }

  /** The engine's userland proxy on loopback relays to the container's port ({@link #publish}). */
  @Override
  public SocketAddress serviceAddress(String containerId, int port) {
    return SocketAddress.inetSocketAddress(publishedPort(containerId, port), "127.0.0.1");
  }

  /**
   * The loopback port the engine published a running container's {@code port} on; it changes at
   * every start or restore, so read it after each.
   */
  private int publishedPort(String containerId, int port) {
    JsonObject inspect = new JsonObject(raw(http, deadlines.call(), "GET", "/containers/" + containerId + "/json", null));
    JsonObject ports = inspect.getJsonObject("NetworkSettings", new JsonObject()).getJsonObject("Ports", new JsonObject());
    io.vertx.core.json.JsonArray bindings = ports.getJsonArray(port + "/tcp");
    if (bindings != null) {
      for (Object binding : bindings) {
        JsonObject hostBinding = (JsonObject) binding;
        if ("127.0.0.1".equals(hostBinding.getString("HostIp")) && hostBinding.getString("HostPort", "").matches("\\d+")) {
          return Integer.parseInt(hostBinding.getString("HostPort"));
        }
      }
    }
    throw new DockerEngineException("port " + port + " of " + containerId + " is not published on 127.0.0.1 at " + host
        + " (is it running?)");
  }

  public void start(String containerId) {
    boundedRun("starting container " + shortId(containerId), deadlines.call(), () -> client.startContainerCmd(containerId).exec());
  }

  /**
   * Dumps the container with CRIU into its own checkpoints dir; {@code exit} freezes it for good.
   * Past the checkpoint deadline the dump is ended and the container, thawed, runs on here.
   */
  public void checkpoint(String containerId, String name, boolean exit) {
    JsonObject body = new JsonObject().put("CheckpointID", name).put("Exit", exit);
    try {
      raw(checkpointHttp, deadlines.checkpoint(), "POST", "/containers/" + containerId + "/checkpoints", body.encode());
    } catch (EngineDeadlineException stuck) {
      int ended = StuckRuntime.end(containerId, "checkpoint");
      thawAfterStuckCall(containerId);
      throw new EngineDeadlineException("checkpoint of container " + shortId(containerId) + " did not finish within "
          + seconds(deadlines.checkpoint()) + " (CRIU stuck; " + ended + " runc ended, the container runs on)");
    }
  }

  public void deleteCheckpoint(String containerId, String name) {
    raw(http, deadlines.call(), "DELETE", "/containers/" + containerId + "/checkpoints/" + name, null);
  }

  /**
   * Starts a created or stopped container from a checkpoint under its checkpoints dir. Docker 20.10
   * uploads the checkpoint directory to containerd's content store and fails ("commit failed:
   * content ... already exists") when byte-identical content was uploaded before, which a
   * deterministic workload's checkpoint can be (the same state resumed twice, or restored again
   * on an engine that saw it). A unique marker file, which CRIU does not read, keeps every upload
   * distinct.
   */
  public void startFromCheckpoint(String containerId, String name) {
    Path marker = checkpointDir(containerId, name).resolve("baton-restore.id");
    try {
      java.nio.file.Files.writeString(marker, java.util.UUID.randomUUID() + "\n");
    } catch (java.io.IOException e) {
      throw new DockerEngineException("cannot mark checkpoint " + name + " of " + containerId + " for restore: " + e.getMessage());
    }
    try {
      raw(restoreHttp, deadlines.restore(), "POST", "/containers/" + containerId + "/start?checkpoint=" + name, null);
    } catch (EngineDeadlineException stuck) {
      int ended = StuckRuntime.end(containerId, "restore");
      throw new EngineDeadlineException("restore of container " + shortId(containerId) + " did not finish within "
          + seconds(deadlines.restore()) + " (CRIU stuck; " + ended + " runc ended)");
    }
  }

  /**
   * A stuck dump leaves the container's cgroup frozen (runc freezes it before it calls CRIU);
   * once runc is gone the shim thaws it, and if it has not after a moment, this does.
   */
  private void thawAfterStuckCall(String containerId) {
    long pid;
    try {
      pid = initPid(containerId);
    } catch (RuntimeException gone) {
      return;
    }
    long until = System.nanoTime() + 2_000_000_000L;
    while (pid > 0 && StuckRuntime.frozen(pid) && System.nanoTime() < until) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (pid > 0) {
      StuckRuntime.thaw(pid);
    }
  }

  /** The host pid of the container's first process (0 when it does not run). */
  public long initPid(String containerId) {
    JsonObject inspect = new JsonObject(raw(http, deadlines.call(), "GET", "/containers/" + containerId + "/json", null));
    return inspect.getJsonObject("State").getLong("Pid", 0L);
  }

  /** Whether the container's processes are frozen by the cgroup freezer (a dump in progress, or one left behind). */
  public boolean frozen(String containerId) {
    long pid = initPid(containerId);
    return pid > 0 && StuckRuntime.frozen(pid);
  }

  /** Where the engine keeps a container's checkpoint: the only place this Docker restores from. */
  public Path checkpointDir(String containerId, String name) {
    return dataRoot.resolve("containers").resolve(containerId).resolve("checkpoints").resolve(name);
  }

  /** The container's writable layer (overlay2 UpperDir). */
  public Path upperDir(String containerId) {
    JsonObject inspect = new JsonObject(raw(http, deadlines.call(), "GET", "/containers/" + containerId + "/json", null));
    String upper = inspect.getJsonObject("GraphDriver").getJsonObject("Data").getString("UpperDir");
    return Path.of(upper);
  }

  public boolean running(String containerId) {
    JsonObject inspect = new JsonObject(raw(http, deadlines.call(), "GET", "/containers/" + containerId + "/json", null));
    return inspect.getJsonObject("State").getBoolean("Running", false);
  }

  /** Runs a command in the container; returns its stdout, fails on a non-zero exit. */
  public String exec(String containerId, List<String> cmd) {
    String what = "running " + cmd + " in " + shortId(containerId);
    String execId = bounded(what, deadlines.exec(), () -> execClient.execCreateCmd(containerId).withCmd(cmd.toArray(String[]::new))
        .withAttachStdout(true).withAttachStderr(true).exec().getId());
    String text = collect(callback -> execClient.execStartCmd(execId).exec(callback), what, deadlines.exec());
    Long exit = bounded(what, deadlines.exec(), () -> execClient.inspectExecCmd(execId).exec().getExitCodeLong());
    if (exit == null || exit != 0) {
      throw new IllegalStateException(cmd + " exited with " + exit + ": " + text.strip());
    }
    return text;
  }

  /** The container's stdout, all of it (a restored container's log starts at its restore). */
  public String logs(String containerId) {
    return collect(callback -> client.logContainerCmd(containerId).withStdOut(true).withStdErr(true).exec(callback),
        "reading the logs of " + shortId(containerId), deadlines.call());
  }

  /** Runs a streaming command and gathers its output frames as text. */
  /** Runs a streaming command and gathers its output frames as text, for at most {@code deadline}. */
  private String collect(java.util.function.Function<ResultCallback.Adapter<Frame>, ResultCallback.Adapter<Frame>> command,
      String what, Duration deadline) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        synchronized (out) {
          out.writeBytes(frame.getPayload());
        }
      }
    };
    try {
      boolean done = bounded(what, deadline, () -> command.apply(callback)).awaitCompletion(deadline.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        callback.close();
        throw new EngineDeadlineException(what + " did not finish within " + seconds(deadline));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    } catch (IOException e) {
      throw new UncheckedIOException(what, e);
    }
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  public void remove(String containerId) {
    try {
      boundedRun("removing container " + shortId(containerId), deadlines.call(),
          () -> client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec());
    } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
      // Already gone: removing is idempotent.
    }
  }

  /** Every container a Baton runtime or probe made on this engine (they carry the io.baton.instance label). */
  public List<String> batonContainers() {
    return bounded("listing Baton's containers", deadlines.call(), () -> client.listContainersCmd().withShowAll(true)
        .withLabelFilter(java.util.Map.of(INSTANCE_LABEL, "")).exec().stream().map(c -> c.getId()).toList());
  }

  public boolean hasImage(String image) {
    try {
      bounded("inspecting image " + image, deadlines.call(), () -> client.inspectImageCmd(image).exec());
      return true;
    } catch (com.github.dockerjava.api.exception.NotFoundException absent) {
      return false;
    }
  }

  /** The image's layers, bottom first, as diff ids. */
  public List<String> diffIds(String image) {
    return bounded("inspecting image " + image, deadlines.call(), () -> client.inspectImageCmd(image).exec().getRootFS().getLayers());
  }

  /** The chain ids of every layer of every image the engine holds. */
  public java.util.Set<String> chainIds() {
    java.util.Set<String> chains = new java.util.HashSet<>();
    for (var image : bounded("listing images", deadlines.call(), () -> client.listImagesCmd().withShowAll(true).exec())) {
      chains.addAll(ImageArchives.chainIds(diffIds(image.getId())));
    }
    return chains;
  }

  /** The image as a docker-save archive; the stream fails if the engine goes silent past the image deadline. */
  public InputStream save(String image) {
    return bounded("saving image " + image, deadlines.image(), () -> imageClient.saveImageCmd(image).exec());
  }

  public void load(InputStream archive) {
    boundedRun("loading an image", deadlines.image(), () -> imageClient.loadImageCmd(archive).exec());
  }

  @Override
  public void removeImage(String image) {
    try {
      boundedRun("removing image " + image, deadlines.call(), () -> client.removeImageCmd(image).withForce(true).exec());
    } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
      // Not here: removing is idempotent.
    }
  }

  private String raw(DockerHttpClient via, Duration deadline, String method, String path, String jsonBody) {
    DockerHttpClient.Request.Builder request = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.valueOf(method)).path("/v" + API_VERSION + path);
    if (jsonBody != null) {
      request.putHeader("Content-Type", "application/json").bodyBytes(jsonBody.getBytes(StandardCharsets.UTF_8));
    }
    return bounded(method + " " + path, deadline, () -> {
      try (DockerHttpClient.Response response = via.execute(request.build())) {
        String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
        if (response.getStatusCode() >= 300) {
          throw new DockerEngineException(method + " " + path + " -> " + response.getStatusCode() + ": " + body.strip());
        }
        return body;
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + path + " on " + host, e);
      }
    });
  }

  /**
   * Runs one engine call on a thread of its own and waits for it at most {@code deadline}. The HTTP
   * clients' response timeouts cannot do this: over a unix socket they are not applied, and a
   * checkpoint the engine never answers would block its caller for good. Past the deadline the
   * caller gets {@link EngineDeadlineException}; the call's thread is interrupted and ends when
   * the engine answers (for CRIU calls, once the caller has ended the stuck runc).
   */
  private <T> T bounded(String what, Duration deadline, java.util.function.Supplier<T> call) {
    java.util.concurrent.Future<T> running;
    try {
      running = calls.submit(call::get);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      throw new DockerEngineException("the engine client for " + host + " is closed");
    }
    try {
      return running.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException late) {
      running.cancel(true);
      throw new EngineDeadlineException(what + " did not finish within " + seconds(deadline));
    } catch (InterruptedException e) {
      running.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    } catch (java.util.concurrent.ExecutionException failed) {
      if (failed.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (failed.getCause() instanceof Error error) {
        throw error;
      }
      throw new DockerEngineException(what + " failed: " + failed.getCause());
    }
  }

  private void boundedRun(String what, Duration deadline, Runnable call) {
    bounded(what, deadline, () -> {
      call.run();
      return null;
    });
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String seconds(Duration deadline) {
    return deadline.toMillis() % 1000 == 0 ? deadline.toSeconds() + " s" : deadline.toMillis() + " ms";
  }

  static String shortId(String containerId) {
    return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
  }

  @Override
  public void close() {
    calls.shutdownNow();
    try {
      client.close();
      execClient.close();
      imageClient.close();
      checkpointHttp.close();
      restoreHttp.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The engine refused a call; the message is the daemon's. */
  public static final class DockerEngineException extends RuntimeException {
    public DockerEngineException(String message) {
      super(message);
    }
  }
}
