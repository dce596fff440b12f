package io.baton.deploy.bench;

import io.baton.protocol.event.MigrationMetrics;

/** One measured migration: what was asked, what ran, its metrics; or why it failed. */
public record RunResult(String config, String requested, String technique, int run, double downtimeMillis,
    double handoffMillis, MigrationMetrics metrics, String failure) {

  public boolean ok() {
    return failure == null;
  }
}
