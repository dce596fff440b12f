package io.baton.deploy.compose;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The /24 the compose mesh gets: in 10.221.0.0/16, clear of the engines' baton-net (10.213.0.0/16)
 * and of the /24s this host routes (a network left behind by an interrupted run included).
 */
final class FreeSubnet {
  private FreeSubnet() {
  }

  /** The first three octets, e.g. "10.221.77", as the compose file's BATON_NET wants them. */
  static String prefix() throws IOException, InterruptedException {
    String routes = Deadlined.run(Duration.ofSeconds(10), Map.of(), List.of("ip", "-4", "route"));
    for (int third = 77; third < 77 + 100; third++) {
      String prefix = "10.221." + third;
      if (!routes.contains(prefix + ".")) {
        return prefix;
      }
    }
    throw new AssertionError("no free /24 in 10.221.0.0/16; routes:\n" + routes);
  }
}
