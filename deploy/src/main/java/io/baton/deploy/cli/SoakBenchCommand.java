package io.baton.deploy.cli;

import io.baton.deploy.bench.SoakRun;
import io.baton.deploy.mesh.MeshLayout;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "The secured mesh under a city's load for a while: clients reporting over CoAP and MQTT, movers driving "
        + "past three sites. Exits 1 if a handoff aborted or never finished, a call was lost or ran twice, or a member stalled.")
final class SoakBenchCommand implements Callable<Integer> {
  @Option(names = "--clients", description = "reporting clients (default ${DEFAULT-VALUE})", defaultValue = "1000")
  int clients;

  @Option(names = "--report-hz", description = "reports a second per client (default ${DEFAULT-VALUE})", defaultValue = "1")
  double reportHz;

  @Option(names = "--movers", description = "clients driving past the sites, half per transport (default ${DEFAULT-VALUE})",
      defaultValue = "20")
  int movers;

  @Option(names = "--seconds", description = "how long the drive lasts (default ${DEFAULT-VALUE})", defaultValue = "120")
  int seconds;

  @Option(names = "--host-prefix", description = "the mesh's loopback /24 (default ${DEFAULT-VALUE}: broker .1, sites .2-.4)",
      defaultValue = "127.0.12.")
  String prefix;

  @Override
  public Integer call() {
    System.setProperty("org.slf4j.simpleLogger.log.io.baton", "warn");
    if (seconds < 1) {
      throw new IllegalArgumentException("--seconds must be positive");
    }
    SoakRun.Options ci = SoakRun.Options.ci();
    SoakRun.Options options = new SoakRun.Options(clients, reportHz, movers, Duration.ofSeconds(seconds), ci.moverCallHz(),
        ci.speedMps(), ci.heapSampleEvery());
    MeshLayout layout = MeshLayout.onPrefix(prefix);
    SoakRun soak = new SoakRun(options, System.out);
    SoakRun.Result result = soak.run(layout, 1883);
    soak.print(result);
    boolean clean = result.aborted() == 0 && result.unfinished() == 0 && result.lost() == 0 && result.duplicated() == 0
        && result.stalls() == 0;
    return clean ? 0 : 1;
  }
}
