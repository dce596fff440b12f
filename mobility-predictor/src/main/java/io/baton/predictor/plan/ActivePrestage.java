package io.baton.predictor.plan;

/** A pre-stage the planner started and has not finished with. */
public final class ActivePrestage {
  final String prestageId;
  final String clientId;
  final String instanceId;
  final String sourceSite;
  final String targetSite;
  final long bytes;
  final long startedMs;
  long lastLikelyMs;
  long completedMs = -1;
  boolean holdsLinkShare = true;

  ActivePrestage(String prestageId, String clientId, String instanceId, String sourceSite, String targetSite, long bytes,
      long startedMs) {
    this.prestageId = prestageId;
    this.clientId = clientId;
    this.instanceId = instanceId;
    this.sourceSite = sourceSite;
    this.targetSite = targetSite;
    this.bytes = bytes;
    this.startedMs = startedMs;
    this.lastLikelyMs = startedMs;
  }

  public String prestageId() {
    return prestageId;
  }

  public String targetSite() {
    return targetSite;
  }

  public String sourceSite() {
    return sourceSite;
  }

  public long bytes() {
    return bytes;
  }

  public long startedMs() {
    return startedMs;
  }

  public boolean completed() {
    return completedMs >= 0;
  }
}
