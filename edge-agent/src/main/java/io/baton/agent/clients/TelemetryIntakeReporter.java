package io.baton.agent.clients;

import io.baton.agent.clients.TelemetryAdmission.Counts;
import io.baton.agent.clients.TelemetryAdmission.Transport;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.TelemetryIntake;
import io.vertx.core.Vertx;

/**
 * Publishes the site's telemetry counters (accepted, refused, shed per transport) on the bus every
 * {@link #PERIOD_MS}, as the load reporter does the node's load: the broker serves them in its
 * Prometheus metrics, so an operator sees a site shedding without reading its log.
 */
public final class TelemetryIntakeReporter {
  public static final long PERIOD_MS = 2_000;

  private final Vertx vertx;
  private final String site;
  private final TelemetryAdmission admission;
  private long timer = -1;

  public TelemetryIntakeReporter(Vertx vertx, String site, TelemetryAdmission admission) {
    this.vertx = vertx;
    this.site = site;
    this.admission = admission;
  }

  public void start() {
    timer = vertx.setPeriodic(PERIOD_MS, id -> report());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void report() {
    long now = System.currentTimeMillis();
    for (Transport transport : Transport.values()) {
      Counts counts = admission.counts(transport);
      vertx.eventBus().publish(Addresses.TELEMETRY_INTAKE,
          new TelemetryIntake(site, transport.label(), counts.accepted(), counts.refused(), counts.shed(), now));
    }
  }
}
