package io.baton.deploy.cli;

import io.baton.agent.MqttSettings;
import io.baton.deploy.bench.ClientsBench;
import io.baton.deploy.cluster.MeshLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks; prints a table.",
    subcommands = {BenchCommand.Clients.class})
final class BenchCommand {

  @Command(name = "clients", mixinStandardHelpOptions = true,
      description = "N simulated clients (CoAP and MQTT) report to one agent while a sample of them is handed across three sites.")
  static final class Clients implements Callable<Integer> {
    @Option(names = "--quick", description = "a short run (3 s windows, 5 movers)")
    boolean quick;

    @Option(names = "--clients", split = ",", description = "client counts (default 100,1000,5000)")
    List<Integer> clients;

    @Option(names = "--movers", description = "most clients moved per run (default 20, quick 5)")
    Integer movers;

    @Option(names = "--seconds", description = "measured window per run (default 10, quick 3)")
    Integer seconds;

    @Option(names = "--host-prefix", description = "the mesh's loopback /24 (default ${DEFAULT-VALUE}: broker .1, sites .2-.4)",
        defaultValue = "127.0.10.")
    String prefix;

    @Option(names = "--mqtt-port", description = "port of each site's embedded MQTT broker (default ${DEFAULT-VALUE})",
        defaultValue = "1883")
    int mqttPort;

    @Override
    public Integer call() {
      System.setProperty("org.slf4j.simpleLogger.log.io.baton", "warn");
      ClientsBench.Options options = quick ? ClientsBench.Options.quick() : ClientsBench.Options.full();
      if ((clients != null && clients.stream().anyMatch(n -> n < 1)) || (movers != null && movers < 1)
          || (seconds != null && seconds < 1)) {
        throw new IllegalArgumentException("client counts, movers and seconds must be positive");
      }
      options = new ClientsBench.Options(clients == null ? options.clientCounts() : clients,
          movers == null ? options.maxMovers() : movers, options.moverCallHz(),
          seconds == null ? options.window() : Duration.ofSeconds(seconds), options.transports());
      MeshLayout layout = new MeshLayout(prefix + 1, List.of(prefix + 2, prefix + 3, prefix + 4), 5701, 5683, 7443,
          MqttSettings.embedded(mqttPort));
      List<ClientsBench.Row> rows = new ClientsBench(options, System.out).run(layout);
      return rows.stream().allMatch(r -> r.lost() == 0 && r.duplicated() == 0) ? 0 : 1;
    }
  }
}
