package io.baton.deploy.cli;

import picocli.CommandLine.Option;

/** How the demo's vehicle drives, whether past the demo's own sites or a mesh's ({@code baton drive}). */
final class DriveOptions {
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

  @Option(names = "--tiles", description = "KiB of map tiles in the vehicle's service (default ${DEFAULT-VALUE})", defaultValue = "1024")
  int tilesKiB;

  void check() {
    if (!(speed > 0) || !(callRate > 0) || !(spacing > 0) || !(shadowing >= 0) || tilesKiB < 4 || tilesKiB > 65_536) {
      throw new IllegalArgumentException("speed, call rate and spacing must be positive, shadowing not negative, tiles 4..65536 KiB");
    }
  }
}
