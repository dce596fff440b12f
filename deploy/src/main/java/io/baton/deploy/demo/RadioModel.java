package io.baton.deploy.demo;

import java.util.Random;

/**
 * Received signal strength from distance: the log-distance path-loss model with log-normal
 * shadowing, RSSI = P_tx - (PL(d0) + 10 n log10(d / d0)) + X_sigma, with d0 = 1 m. Seeded, so a
 * run can be repeated exactly.
 */
public final class RadioModel {
  private final double transmitPowerDbm;
  private final double referenceLossDb;
  private final double pathLossExponent;
  private final double shadowingSigmaDb;
  private final Random random;

  public RadioModel(double transmitPowerDbm, double referenceLossDb, double pathLossExponent, double shadowingSigmaDb, long seed) {
    this.transmitPowerDbm = transmitPowerDbm;
    this.referenceLossDb = referenceLossDb;
    this.pathLossExponent = pathLossExponent;
    this.shadowingSigmaDb = shadowingSigmaDb;
    this.random = new Random(seed);
  }

  public static final double SMALL_CELL_DBM = 20;
  public static final double SMALL_CELL_REFERENCE_LOSS_DB = 40;
  public static final double SMALL_CELL_EXPONENT = 3.0;

  /** A small urban cell: 20 dBm, 40 dB at 1 m, exponent 3. */
  public static RadioModel smallCell(double shadowingSigmaDb, long seed) {
    return new RadioModel(SMALL_CELL_DBM, SMALL_CELL_REFERENCE_LOSS_DB, SMALL_CELL_EXPONENT, shadowingSigmaDb, seed);
  }

  public synchronized double rssiDbm(double distanceMeters) {
    double d = Math.max(1.0, distanceMeters);
    double rssi = transmitPowerDbm - (referenceLossDb + 10 * pathLossExponent * Math.log10(d))
        + shadowingSigmaDb * random.nextGaussian();
    return Math.max(-150.0, Math.min(0.0, rssi));
  }
}
