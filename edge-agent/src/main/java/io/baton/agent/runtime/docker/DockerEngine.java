package io.baton.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
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
 */
public final class DockerEngine implements AutoCloseable {
  public static final String API_VERSION = "1.41";

  private final String host;
  private final DockerHttpClient http;
  private final DockerClient client;
  private final Path dataRoot;

  public DockerEngine(String dockerHost) {
    this.host = dockerHost;
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(dockerHost).withApiVersion(API_VERSION).build();
    this.http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(dockerHost)).maxConnections(32)
        .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofMinutes(5)).build();
    this.client = DockerClientImpl.getInstance(config, http);
    this.dataRoot = Path.of(client.infoCmd().exec().getDockerRootDir());
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
        .withLabels(java.util.Map.of("io.baton.instance", name));
    if (!profile.cmd().isEmpty()) {
      create.withCmd(profile.cmd());
    }
    if (profile.networked()) {
      create.withExposedPorts(com.github.dockerjava.api.model.ExposedPort.tcp(profile.port()));
      try {
        return create.exec().getId();
      } catch (com.github.dockerjava.api.exception.NotFoundException missing) {
        throw new DockerEngineException("cannot create " + name + " on " + host + ": " + missing.getMessage().strip()
            + " (a missing network " + NETWORK + ": docker-engine.sh start or network SITE creates it)");
      }
    }
    return create.exec().getId();
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

  /**
   * The loopback port the engine published a running container's {@code port} on; it changes at
   * every start or restore, so read it after each.
   */
  public int publishedPort(String containerId, int port) {
    JsonObject inspect = new JsonObject(raw("GET", "/containers/" + containerId + "/json", null));
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
    client.startContainerCmd(containerId).exec();
  }

  /** Dumps the container with CRIU into its own checkpoints dir; {@code exit} freezes it for good. */
  public void checkpoint(String containerId, String name, boolean exit) {
    JsonObject body = new JsonObject().put("CheckpointID", name).put("Exit", exit);
    raw("POST", "/containers/" + containerId + "/checkpoints", body.encode());
  }

  public void deleteCheckpoint(String containerId, String name) {
    raw("DELETE", "/containers/" + containerId + "/checkpoints/" + name, null);
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
    raw("POST", "/containers/" + containerId + "/start?checkpoint=" + name, null);
  }

  /** Where the engine keeps a container's checkpoint: the only place this Docker restores from. */
  public Path checkpointDir(String containerId, String name) {
    return dataRoot.resolve("containers").resolve(containerId).resolve("checkpoints").resolve(name);
  }

  /** The container's writable layer (overlay2 UpperDir). */
  public Path upperDir(String containerId) {
    JsonObject inspect = new JsonObject(raw("GET", "/containers/" + containerId + "/json", null));
    String upper = inspect.getJsonObject("GraphDriver").getJsonObject("Data").getString("UpperDir");
    return Path.of(upper);
  }

  public boolean running(String containerId) {
    JsonObject inspect = new JsonObject(raw("GET", "/containers/" + containerId + "/json", null));
    return inspect.getJsonObject("State").getBoolean("Running", false);
  }

  /** Runs a command in the container; returns its stdout, fails on a non-zero exit. */
  public String exec(String containerId, List<String> cmd) {
    String execId = client.execCreateCmd(containerId).withCmd(cmd.toArray(String[]::new))
        .withAttachStdout(true).withAttachStderr(true).exec().getId();
    String text = collect(callback -> client.execStartCmd(execId).exec(callback), "running " + cmd);
    Long exit = client.inspectExecCmd(execId).exec().getExitCodeLong();
    if (exit == null || exit != 0) {
      throw new IllegalStateException(cmd + " exited with " + exit + ": " + text.strip());
    }
    return text;
  }

  /** The container's stdout, all of it (a restored container's log starts at its restore). */
  public String logs(String containerId) {
    return collect(callback -> client.logContainerCmd(containerId).withStdOut(true).withStdErr(true).exec(callback),
        "reading logs");
  }

  /** Runs a streaming command and gathers its output frames as text. */
  private static String collect(java.util.function.Function<ResultCallback.Adapter<Frame>, ResultCallback.Adapter<Frame>> command,
      String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      command.apply(new ResultCallback.Adapter<>() {
        @Override
        public void onNext(Frame frame) {
          out.writeBytes(frame.getPayload());
        }
      }).awaitCompletion(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public void remove(String containerId) {
    try {
      client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
      // Already gone: removing is idempotent.
    }
  }

  public boolean hasImage(String image) {
    try {
      client.inspectImageCmd(image).exec();
      return true;
    } catch (com.github.dockerjava.api.exception.NotFoundException absent) {
      return false;
    }
  }

  /** The image's layers, bottom first, as diff ids. */
  public List<String> diffIds(String image) {
    return client.inspectImageCmd(image).exec().getRootFS().getLayers();
  }

  /** The chain ids of every layer of every image the engine holds. */
  public java.util.Set<String> chainIds() {
    java.util.Set<String> chains = new java.util.HashSet<>();
    for (var image : client.listImagesCmd().withShowAll(true).exec()) {
      chains.addAll(ImageArchives.chainIds(diffIds(image.getId())));
    }
    return chains;
  }

  public InputStream save(String image) {
    return client.saveImageCmd(image).exec();
  }

  public void load(InputStream archive) {
    client.loadImageCmd(archive).exec();
  }

  private String raw(String method, String path, String jsonBody) {
    DockerHttpClient.Request.Builder request = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.valueOf(method)).path("/v" + API_VERSION + path);
    if (jsonBody != null) {
      request.putHeader("Content-Type", "application/json").bodyBytes(jsonBody.getBytes(StandardCharsets.UTF_8));
    }
    try (DockerHttpClient.Response response = http.execute(request.build())) {
      String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
      if (response.getStatusCode() >= 300) {
        throw new DockerEngineException(method + " " + path + " -> " + response.getStatusCode() + ": " + body.strip());
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " on " + host, e);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
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
