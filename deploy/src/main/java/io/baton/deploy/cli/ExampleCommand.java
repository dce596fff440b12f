package io.baton.deploy.cli;

import io.baton.examples.ArSessionClient;
import io.baton.examples.VehicleTelematics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Runs one of the SDK's example apps from the baton jar, so that a reader needs no class path of
 * their own. The apps still link only the SDK; this only calls their entry points.
 */
@Command(name = "example", mixinStandardHelpOptions = true,
    description = {"Runs an example app of the client SDK against a running mesh (`baton demo --stay`):",
        "  vehicle  telematics over MQTT: --broker URI (default ssl://127.0.0.2:1883) --site ID --id ID --speed M/S --spacing M",
        "  ar       an AR session over CoAP: --site URI (default coaps://127.0.0.2:5683) --id ID --fps N --frame-kb N",
        "Both take --credentials DIR, the mesh's credentials directory holding the client (truck-42, glasses-7 by default)."})
final class ExampleCommand implements Callable<Integer> {
  /** The example's options are its own `--name value` pairs: everything after the name is passed on as it is. */
  static final String NAME = "example";

  @Parameters(index = "0", paramLabel = "vehicle|ar", description = "which example")
  String which;

  @Parameters(index = "1..*", paramLabel = "OPTIONS", description = "the example's own options")
  List<String> options = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String[] args = options.toArray(String[]::new);
    return switch (which) {
      case "vehicle" -> VehicleTelematics.exitCode(args);
      case "ar" -> ArSessionClient.exitCode(args);
      default -> throw new IllegalArgumentException("unknown example '" + which + "'; available: vehicle, ar");
    };
  }
}
