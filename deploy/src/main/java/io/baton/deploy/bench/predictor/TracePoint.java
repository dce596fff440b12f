package io.baton.deploy.bench.predictor;

/** One sample of one mover: time, position (m), speed (m/s) and compass heading (deg, 0 = north, 90 = east). */
public record TracePoint(long timeMs, double x, double y, double speedMps, double headingDeg) {
}
