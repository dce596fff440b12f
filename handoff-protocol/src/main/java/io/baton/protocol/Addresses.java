package io.baton.protocol;

/**
 * Event-bus addresses. Events are published (every interested member gets a copy); agent commands
 * are point-to-point requests addressed to one site, so the reply is the next event of the chain.
 */
public final class Addresses {
  private Addresses() {
  }

  /**
   * Validated telemetry, as {@code TelemetryReportedBatch}: each agent publishes what it accepted
   * in the last few milliseconds as one message.
   */
  public static final String TELEMETRY_REPORTED = "baton.telemetry.reported";
  /** Every agent's {@code TelemetryIntake} (accepted, refused, shed per transport), every few seconds. */
  public static final String TELEMETRY_INTAKE = "baton.telemetry.intake";
  public static final String FORECAST = "baton.predictor.forecast";
  public static final String PRESTAGE_REQUESTED = "baton.prestage.requested";
  public static final String PRESTAGED = "baton.prestage.done";
  public static final String PRESTAGE_CANCELLED = "baton.prestage.cancelled";

  public static final String HANDOFF_REQUESTED = "baton.handoff.requested";
  public static final String TARGET_PREPARED = "baton.handoff.target-prepared";
  public static final String MIGRATION_ASSESSED = "baton.handoff.migration-assessed";
  public static final String TECHNIQUE_CHOSEN = "baton.handoff.technique-chosen";
  public static final String STATE_PRECOPIED = "baton.handoff.state-precopied";
  public static final String SOURCE_FROZEN = "baton.handoff.source-frozen";
  public static final String STATE_TRANSFERRED = "baton.handoff.state-transferred";
  public static final String TARGET_RESTORED = "baton.handoff.target-restored";
  public static final String CLIENT_REDIRECTED = "baton.handoff.client-redirected";
  public static final String PAGES_COMPLETED = "baton.handoff.pages-completed";
  public static final String SOURCE_RELEASED = "baton.handoff.source-released";
  public static final String HANDOFF_COMPLETED = "baton.handoff.completed";
  public static final String HANDOFF_ABORTED = "baton.handoff.aborted";

  /**
   * A request to any broker to hand a client over (an agent draining its site before it stops):
   * point-to-point, body {@code {"clientId", "target", "reason"}}; the reply, once the handoff
   * completed, is {@code {"handoffId", "sourceSite", "targetSite"}}, or a failure with the reason.
   */
  public static final String MIGRATION_REQUESTED = "baton.broker.migration-requested";

  /** Every agent's {@code NodeLoad}, every 5 s. */
  public static final String NODE_LOAD = "baton.node.load";

  /** Commands one agent answers; the broker drives the saga through them. */
  public enum AgentCommand {
    PREPARE, ASSESS, PRECOPY, FREEZE, TRANSFER, RESTORE, AWAIT_PAGES, RELEASE, ABORT, CALL,
    /** Deploy a client's service here (an attach on the client's behalf): body and reply are JSON. */
    DEPLOY,
    /** A target opens a reception for a pre-stage's chunks before the source pushes them. */
    PRESTAGE,
    /**
     * What this site holds of one instance: body {@code {"instanceId"}}, reply {@code {"site",
     * "instanceId", "state"}} with the state LIVE, FROZEN, STAGED or ABSENT (operators, fault drills).
     */
    INSTANCE;

    /**
     * The failure code of an AWAIT_PAGES whose target lost its restored copy (a container that died
     * while its pages came in): the source, which keeps its own until RELEASE, takes the service
     * back, as when the target vanished. Any other failure there means the source's pages are gone.
     */
    public static final int TARGET_COPY_LOST = 410;

    public String address(String siteId) {
      return "baton.agent." + siteId + "." + name().toLowerCase();
    }
  }
}
