package io.baton.deploy.cli;

import io.baton.deploy.mesh.MeshCredentials;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.demo.VehicleDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Three sites and a broker on 127.0.0.1-4 (or another --host-prefix); a vehicle drives past them calling its service.",
        "Secured by default: every member runs with credentials from a development CA (see --credentials)."})
final class DemoCommand implements Callable<Integer> {
  @Mixin
  DriveOptions drive;

  @Option(names = "--no-predictor", description = "no mobility predictor: every handoff starts cold at the target")
  boolean noPredictor;

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
    drive.check();
    if (dashboardPort < 0 || dashboardPort > 65_535) {
      throw new IllegalArgumentException("--dashboard-port must be 0..65535, got " + dashboardPort);
    }
    VehicleDemo.Options options = new VehicleDemo.Options(drive.speed, drive.callRate, 10, drive.spacing, drive.shadowing, drive.seed,
        trigger.toConfig(), !noPredictor, drive.tilesKiB, dashboardPort);
    MeshCredentials meshCredentials = credentials == null ? MeshCredentials.temporary() : MeshCredentials.in(credentials);
    VehicleDemo.Result result = new VehicleDemo(options, System.out).run(MeshLayout.demo(prefix()), stay, meshCredentials);
    return result.drive().lost() == 0 && result.duplicated() == 0 ? 0 : 1;
  }
}
