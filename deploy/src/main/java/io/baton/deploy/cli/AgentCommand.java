package io.baton.deploy.cli;

import io.baton.agent.AgentConfig;
import io.baton.agent.EdgeAgentVerticle;
import io.baton.agent.MqttSettings;
import io.baton.agent.runtime.RuntimeProvider;
import io.baton.agent.runtime.RuntimeProviders;
import io.baton.agent.runtime.RuntimeSettings;
import io.baton.agent.runtime.SiteRuntime;
import io.baton.agent.runtime.container.CheckpointProbe;
import io.baton.agent.runtime.docker.DockerRuntimeProvider;
import io.baton.agent.runtime.embedded.EmbeddedRuntime;
import io.baton.protocol.security.MemberCredentials;
import io.baton.agent.handoff.SiteDrain;
import io.baton.deploy.ops.RunningMember;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true, description = "Runs one site's edge agent as a cluster member.")
final class AgentCommand implements Callable<Integer> {
  @Option(names = "--site", required = true, description = "site id, e.g. site-a")
  String site;

  @Option(names = "--coap-port", description = "(default ${DEFAULT-VALUE})", defaultValue = "5683")
  int coapPort;

  @Option(names = "--transfer-port", description = "gRPC state transfer port (default ${DEFAULT-VALUE})", defaultValue = "7443")
  int transferPort;

  @Option(names = "--runtime", description = "service runtime, one of the runtimes on the class path: ${COMPLETION-CANDIDATES} "
      + "(default ${DEFAULT-VALUE})", defaultValue = EmbeddedRuntime.NAME, completionCandidates = Runtimes.class)
  String runtime;

  @Option(names = "--runtime-setting", paramLabel = "NAME=VALUE", description = "a setting of the chosen runtime, repeatable; "
      + "the --docker-* options below are the docker runtime's settings by name")
  Map<String, String> runtimeSettings = new LinkedHashMap<>();

  @Option(names = "--mqtt", description = "MQTT for clients: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}): "
      + "embedded runs a broker on this host, external uses --mqtt-broker", defaultValue = "EMBEDDED")
  MqttSettings.Mode mqttMode;

  @Option(names = "--mqtt-port", description = "port of the embedded MQTT broker (default ${DEFAULT-VALUE})", defaultValue = "1883")
  int mqttPort;

  @Option(names = "--mqtt-broker", description = "the external broker, e.g. ssl://10.0.0.5:8883 (a site with credentials needs ssl://)")
  String mqttBroker;

  @Option(names = "--docker-host", description = "docker runtime: this site's Docker Engine (default ${DEFAULT-VALUE})",
      defaultValue = "unix:///var/run/docker.sock")
  String dockerHost;

  @Option(names = "--memory-cap-mb", description = "docker runtime: most memory any container gets here (default: no cap)",
      defaultValue = "0")
  long memoryCapMb;

  @Option(names = "--engine-deadlines", description = "docker runtime: seconds each kind of engine call may take, "
      + "kind=seconds,... with kinds call, checkpoint, restore, exec, image (default call=30,checkpoint=60,restore=60,exec=10,image=300); "
      + "a checkpoint or restore past its deadline is ended and its handoff aborts")
  String engineDeadlines;

  @Option(names = "--probe-image", description = "docker runtime: the image of the checkpoint probe run at start; it needs `sleep` "
      + "(default ${DEFAULT-VALUE})", defaultValue = CheckpointProbe.DEFAULT_IMAGE)
  String probeImage;

  @Option(names = "--chunk-store-mb", description = "embedded runtime: memory for states in transit to this site; "
      + "a handoff needing more is refused (default ${DEFAULT-VALUE})", defaultValue = "512")
  long chunkStoreMb;

  @Option(names = "--drain-timeout", description = "seconds a stopping agent has to hand its clients to other sites "
      + "before it leaves; clients not moved by then stay assigned here (default ${DEFAULT-VALUE})", defaultValue = "30")
  long drainTimeoutS;

  @Mixin
  MemberOptions member;

  @Override
  public Integer call() throws Exception {
    start().runUntilStopped();
    return 0;
  }

  /** Starts the agent and returns once it serves; stopping it drains the site first. */
  RunningMember start() {
    try {
      return startAgent();
    } catch (RuntimeException e) {
      member.closeHealth();
      throw e;
    }
  }

  private RunningMember startAgent() {
    if (drainTimeoutS < 0) {
      throw new IllegalArgumentException("--drain-timeout must be 0 or more seconds, got " + drainTimeoutS);
    }
    MqttSettings mqtt = switch (mqttMode) {
      case OFF -> MqttSettings.off();
      case EMBEDDED -> MqttSettings.embedded(mqttPort);
      case EXTERNAL -> {
        if (mqttBroker == null) {
          throw new IllegalArgumentException("--mqtt external needs --mqtt-broker ssl://host:port (tcp:// only for a site without credentials)");
        }
        yield MqttSettings.external(mqttBroker);
      }
    };
    if (chunkStoreMb < 0) {
      throw new IllegalArgumentException("--chunk-store-mb must be 0 or more, got " + chunkStoreMb);
    }
    RuntimeProvider provider = RuntimeProviders.named(runtime);
    MemberCredentials credentials = member.credentials(site);
    // Before the runtime's checks, which take seconds: a starting agent answers "not ready", not nothing.
    member.openHealth();
    // Before the agent joins: a site whose runtime cannot hand services off never takes one.
    RuntimeProvider.Launcher launcher = provider.prepare(settings());
    System.out.printf("runtime %s ready: %s%n", provider.name(), provider.summary());
    AgentConfig config = new AgentConfig(site, member.host, coapPort, transferPort, mqtt).withCredentials(credentials);
    Vertx vertx = member.join(credentials);
    SiteRuntime serviceRuntime = launcher.start(vertx, config).toCompletionStage().toCompletableFuture().join();
    vertx.deployVerticle(new EdgeAgentVerticle(config, serviceRuntime, chunkStoreMb * 1024 * 1024,
        io.baton.cluster.HazelcastClientFeed.of(vertx))).toCompletionStage().toCompletableFuture().join();
    System.out.printf("agent %s serving CoAP on %s, MQTT on %s, state transfer on %s:%d%n", site, config.coapEndpoint(),
        mqtt.enabled() ? config.mqttEndpoint() : "(off)", member.host, transferPort);
    SiteDrain drain = new SiteDrain(vertx, site, SiteDrain.DEFAULT_PARALLEL);
    return member.running("agent " + site, vertx, () -> drain.run(Duration.ofSeconds(drainTimeoutS)));
  }

  /** The docker options by their setting names, then whatever --runtime-setting gives (which wins). */
  private RuntimeSettings settings() {
    Map<String, String> all = new LinkedHashMap<>();
    all.put(DockerRuntimeProvider.DOCKER_HOST, dockerHost);
    all.put(DockerRuntimeProvider.MEMORY_CAP_MB, Long.toString(memoryCapMb));
    if (engineDeadlines != null) {
      all.put(DockerRuntimeProvider.ENGINE_DEADLINES, engineDeadlines);
    }
    all.put(DockerRuntimeProvider.PROBE_IMAGE, probeImage);
    all.putAll(runtimeSettings);
    return RuntimeSettings.of(all);
  }

  static final class Runtimes extends java.util.ArrayList<String> {
    Runtimes() {
      super(RuntimeProviders.names());
    }
  }
}
