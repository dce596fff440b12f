package io.baton.deploy.cli;

import io.baton.agent.AgentConfig;
import io.baton.agent.EdgeAgentVerticle;
import io.baton.agent.MqttSettings;
import io.baton.agent.runtime.ServiceRuntime;
import io.baton.agent.runtime.docker.DockerRuntime;
import io.baton.agent.runtime.embedded.EmbeddedRuntime;
import io.baton.deploy.cluster.DockerSites;
import io.baton.agent.runtime.docker.CheckpointProbe;
import io.baton.agent.runtime.docker.DockerEngine;
import io.baton.agent.runtime.docker.EngineDeadlines;
import io.baton.protocol.security.MemberCredentials;
import io.baton.agent.handoff.SiteDrain;
import io.baton.deploy.ops.RunningMember;
import io.vertx.core.Vertx;
import java.time.Duration;
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

  @Option(names = "--runtime", description = "service runtime: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})",
      defaultValue = "embedded", completionCandidates = Runtimes.class)
  String runtime;

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

  @Option(names = "--docker-port", description = "docker runtime: the docker transfer endpoint's port (default ${DEFAULT-VALUE})",
      defaultValue = "7543")
  int dockerPort;

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
    if (!runtime.equals(EmbeddedRuntime.NAME) && !runtime.equals(DockerRuntime.NAME)) {
      throw new IllegalArgumentException("unknown runtime '" + runtime + "'; available: embedded, docker");
    }
    MemberCredentials credentials = member.credentials(site);
    // Before the engine probe, which takes seconds: a starting agent answers "not ready", not nothing.
    member.openHealth();
    // The probe runs before the agent joins: a site whose engine cannot checkpoint never takes a service.
    DockerEngine engine = null;
    if (runtime.equals(DockerRuntime.NAME)) {
      EngineDeadlines deadlines = EngineDeadlines.parse(engineDeadlines);
      engine = DockerSites.probedEngine(dockerHost, deadlines, probeImage);
      System.out.printf("docker engine at %s checkpoints and restores (probe container dumped and restored)%n", dockerHost);
    }
    AgentConfig config = new AgentConfig(site, member.host, coapPort, transferPort, mqtt).withCredentials(credentials);
    Vertx vertx = member.join(credentials);
    ServiceRuntime serviceRuntime;
    if (runtime.equals(DockerRuntime.NAME)) {
      serviceRuntime = DockerSites.start(vertx, site, member.host, dockerPort, engine, memoryCapMb,
          java.util.Optional.of(credentials))
          .toCompletionStage().toCompletableFuture().join();
      System.out.printf("docker runtime on %s, docker transfer on %s:%d%n", dockerHost, member.host, dockerPort);
    } else {
      serviceRuntime = new EmbeddedRuntime(vertx, site);
    }
    if (chunkStoreMb < 0) {
      throw new IllegalArgumentException("--chunk-store-mb must be 0 or more, got " + chunkStoreMb);
    }
    vertx.deployVerticle(new EdgeAgentVerticle(config, serviceRuntime, chunkStoreMb * 1024 * 1024,
        io.baton.cluster.HazelcastClientFeed.of(vertx))).toCompletionStage().toCompletableFuture().join();
    System.out.printf("agent %s serving CoAP on %s, MQTT on %s, state transfer on %s:%d%n", site, config.coapEndpoint(),
        mqtt.enabled() ? config.mqttEndpoint() : "(off)", member.host, transferPort);
    SiteDrain drain = new SiteDrain(vertx, site, SiteDrain.DEFAULT_PARALLEL);
    return member.running("agent " + site, vertx, () -> drain.run(Duration.ofSeconds(drainTimeoutS)));
  }

  static final class Runtimes extends java.util.ArrayList<String> {
    Runtimes() {
      super(java.util.List.of(EmbeddedRuntime.NAME, DockerRuntime.NAME));
    }
  }
}
