package io.baton.deploy.cli;

import io.baton.deploy.cluster.MeshCredentials;
import io.baton.deploy.cluster.MeshLayout;
import io.baton.deploy.demo.VehicleDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Three sites and a broker on 127.0.0.1-4 (or another --host-prefix); a vehicle drives past them calling its service.",
        "Secured by default: every member runs with credentials from a development CA (see --credentials)."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--speed", description = "m/s (default ${DEFAULT-VALUE})", defaultValue = "30")
  double speed;

  @Option(names = "--call-rate", description = "service calls per second (default ${DEFAULT-VALUE})", defaultValue = "20")
  double callRate;

  @Option(names = "--spacing", description = "m between sites (default ${DEFAULT-VALUE})", defaultValue = "250")
  double spacing;

  @Option(names = "--shadowing", description = "dB of log-normal shadowing noise (default ${DEFAULT-VALUE})", defaultValue = "2.0")
  double shadowing;

  @Option(names = "--seed", description = "seed of the radio noise (default ${DEFAULT-VALUE})", defaultValue = "7")
  long seed;

  @Option(names = "--no-predictor", description = "no mobility predictor: every handoff starts cold at the target")
  boolean noPredictor;

  @Option(names = "--tiles", description = "KiB of map tiles in the vehicle's service (default ${DEFAULT-VALUE})", defaultValue = "1024")
  int tilesKiB;

  @Option(names = "--stay", description = "keep the mesh up after the drive, for other clients (the SDK's examples)")
  boolean stay;

  @Option(names = "--credentials", paramLabel = "DIR",
      description = "credentials directory: a development CA is created there the first time and reused after "
          + "(default: a temporary one, removed at exit)")
  java.nio.file.Path credentials;

  @Option(names = "--host-prefix", description = "loopback /24 the mesh runs on: broker on .1, sites on .2-.4 (default ${DEFAULT-VALUE})",
      defaultValue = "127.0.0.")
  String hostPrefix;

  @Option(names = "--dashboard-port", description = "port of the live dashboard on the broker's address, 0 for none (default ${DEFAULT-VALUE})",
      defaultValue = "" + VehicleDemo.Options.DEFAULT_DASHBOARD_PORT)
  int dashboardPort;

  @Mixin
  TriggerOptions trigger;

  private String prefix() {
    if (!hostPrefix.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.")) {
      throw new IllegalArgumentException("--host-prefix must be a loopback /24 like 127.0.10., got " + hostPrefix);
    }
    return hostPrefix;
  }

  @Override
  public Integer call() {
    // The demo prints its own account of each handoff; the components' info logs would repeat it.
    System.setProperty("org.slf4j.simpleLogger.log.io.baton", "warn");
    if (!(speed > 0) || !(callRate > 0) || !(spacing > 0) || !(shadowing >= 0) || tilesKiB < 4 || tilesKiB > 65_536) {
      throw new IllegalArgumentException("speed, call rate and spacing must be positive, shadowing not negative, tiles 4..65536 KiB");
    }
    if (dashboardPort < 0 || dashboardPort > 65_535) {
      throw new IllegalArgumentException("--dashboard-port must be 0..65535, got " + dashboardPort);
    }
    VehicleDemo.Options options = new VehicleDemo.Options(speed, callRate, 10, spacing, shadowing, seed, trigger.toConfig(),
        !noPredictor, tilesKiB, dashboardPort);
    MeshCredentials meshCredentials = credentials == null ? MeshCredentials.temporary() : MeshCredentials.in(credentials);
    VehicleDemo.Result result = new VehicleDemo(options, System.out).run(MeshLayout.demo(prefix()), stay, meshCredentials);
    return result.drive().lost() == 0 && result.duplicated() == 0 ? 0 : 1;
  }
}
